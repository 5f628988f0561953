using System.Globalization;

namespace PainPro.Portal.Dashboard;

/// <summary>
/// The dashboard's question: one procedure type (or all) and a range of procedure dates, both ends included.
/// </summary>
public sealed record ReportFilter(string? ProcedureType, DateOnly? From, DateOnly? To)
{
    public string? FromParameter => From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public string? ToParameter => To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string Describe()
    {
        var what = string.IsNullOrEmpty(ProcedureType) ? "All procedure types" : ProcedureNames.Label(ProcedureType);
        var when = (From, To) switch
        {
            (null, null) => "all dates",
            ({ } f, null) => $"from {f:d MMM yyyy}",
            (null, { } t) => $"up to {t:d MMM yyyy}",
            ({ } f, { } t) => $"{f:d MMM yyyy} – {t:d MMM yyyy}",
        };
        return $"{what}, {when}";
    }
}
