using System.Globalization;
using PainPro.Portal.Accounts;
using PainPro.Portal.Clients;
using PainPro.Portal.Dashboard;

namespace PainPro.Portal.Audit;

/// <summary>
/// The audit page's question: one staff user (or all), one patient (or all), a range of days in the Portal's time zone.
/// <see cref="From"/> and <see cref="Until"/> are the instants those days begin and end (exclusive).
/// </summary>
public sealed record AuditFilter(string? Actor, Guid? PatientId, DateTimeOffset? From, DateTimeOffset? Until)
{
    public (string Name, string? Value)[] Parameters(int limit) =>
    [
        ("actor", Actor),
        ("patientId", PatientId?.ToString()),
        ("from", From?.ToString("O", CultureInfo.InvariantCulture)),
        ("until", Until?.ToString("O", CultureInfo.InvariantCulture)),
        ("limit", limit.ToString(CultureInfo.InvariantCulture)),
    ];
}

/// <summary>One line of the audit page: who did what, about which patient, alert or account, and when.</summary>
public sealed record AuditLine(
    DateTimeOffset At, string Actor, string? Via, string Action, Guid? PatientId, string? Mrn, Guid? AlertId, string? Subject, string? Detail, string Source)
{
    public string Event => AuditVocabulary.Label(Action);
}

/// <summary>
/// Every service's audit trail in one list, newest first: the Portal's own (sign-ins, accounts, keys, this page),
/// Scheduling's patient views and Ingestion's actions on alerts and answers.
/// </summary>
public sealed class AuditTrail(PortalDb db, SchedulingClient scheduling, IngestionClient ingestion)
{
    public const string ViewedAction = "audit.viewed";
    public const string ExportedAction = "audit.exported";

    /// <summary>Lines the page shows; the CSV export takes up to <see cref="ExportLimit"/>.</summary>
    public const int PageLimit = 500;
    public const int ExportLimit = 10_000;

    public const string PortalSource = "Portal";
    public const string SchedulingSource = "Scheduling";
    public const string IngestionSource = "Ingestion";

    /// <summary>The newest <paramref name="limit"/> lines matching the filter, from all three sources.</summary>
    public async Task<IReadOnlyList<AuditLine>> LoadAsync(AuditFilter filter, int limit, CancellationToken ct)
    {
        // The Portal's own records are about accounts and keys, never about a patient.
        var own = filter.PatientId is null ? PortalAudit.ListAsync(db, filter, limit, ct) : Task.FromResult<IReadOnlyList<AuditEntry>>([]);
        var views = scheduling.PatientViewsAsync(filter, limit, ct);
        var actions = ingestion.StaffActionsAsync(filter, limit, ct);
        await Task.WhenAll(own, views, actions);

        // Scheduling knows MRNs; Ingestion only their last four digits.
        var mrns = (await views).GroupBy(v => v.PatientId).ToDictionary(g => g.Key, g => g.First().Mrn);
        return (await own).Select(e => new AuditLine(e.At, e.Actor, null, e.Action, null, null, null, e.Subject, e.Detail, PortalSource))
            .Concat((await views).Select(v => new AuditLine(v.At, v.Actor, v.Via, v.Action, v.PatientId, v.Mrn, null, null, null, SchedulingSource)))
            .Concat((await actions).Select(a => new AuditLine(a.At, a.Actor, a.Via, a.Action, a.PatientId,
                a.PatientId is { } p && mrns.GetValueOrDefault(p) is { } mrn ? mrn : a.MrnLast4 is { } last4 ? "…" + last4 : null,
                a.AlertId, null, a.Detail, IngestionSource)))
            .OrderByDescending(l => l.At)
            .Take(limit)
            .ToList();
    }

    /// <summary>The lines as the CSV export writes them: one row per line, times in the Portal's zone and in UTC.</summary>
    public static CsvTable ToCsv(IReadOnlyList<AuditLine> lines, Web.DisplayTime time) => new(
        "audit", "Audit log",
        ["time", "time_utc", "user", "via", "event", "event_code", "patient_id", "mrn", "alert_id", "subject", "detail", "source"],
        lines.Select(l => (IReadOnlyList<string>)
        [
            time.Local(l.At).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            l.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            l.Actor, l.Via ?? "", l.Event, l.Action, l.PatientId?.ToString() ?? "", l.Mrn ?? "", l.AlertId?.ToString() ?? "",
            l.Subject ?? "", l.Detail ?? "", l.Source,
        ]).ToList());
}
