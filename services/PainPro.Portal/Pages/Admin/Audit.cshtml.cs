using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Accounts;
using PainPro.Portal.Audit;
using PainPro.Portal.Clients;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Admin;

/// <summary>
/// The audit log (DESIGN §8): who did what to which alert, who viewed which patient, sign-ins and administration —
/// filtered by user, patient and days, and exported as CSV. Opening or exporting it is itself recorded. Admins only.
/// </summary>
public sealed class AuditModel(AuditTrail trail, AccountStore accounts, SchedulingClient scheduling, DisplayTime time) : PortalPageModel
{
    public const int MaxFilterLength = 100;

    /// <summary>A staff user name (or an integration client's name); exact, case-insensitive.</summary>
    [BindProperty(SupportsGet = true, Name = "user")] public string? UserFilter { get; set; }

    /// <summary>A patient's MRN (exact) or patient id.</summary>
    [BindProperty(SupportsGet = true, Name = "patient")] public string? PatientFilter { get; set; }

    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }

    public IReadOnlyList<AuditLine> Lines { get; private set; } = [];
    public bool Truncated { get; private set; }
    public DisplayTime Time => time;

    public object RouteValues => new
    {
        user = UserFilter, patient = PatientFilter,
        from = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var filter = await ReadFilterAsync(ct);
        if (filter is null)
        {
            Response.StatusCode = ServiceProblem is null ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway;
            return Page();
        }
        // Recorded before the read, so this very view heads the list it shows.
        await accounts.AuditAsync(CurrentUser, AuditTrail.ViewedAction, null, Describe(), ct);
        await TryLoadAsync(async () =>
        {
            var lines = await trail.LoadAsync(filter, AuditTrail.PageLimit + 1, ct);
            Truncated = lines.Count > AuditTrail.PageLimit;
            Lines = lines.Take(AuditTrail.PageLimit).ToList();
        });
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var filter = await ReadFilterAsync(ct);
        if (filter is null)
        {
            var detail = ServiceProblem ?? string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));
            var status = ServiceProblem is null ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway;
            return new ObjectResult(new ProblemDetails { Title = "The audit log could not be exported.", Detail = detail, Status = status }) { StatusCode = status };
        }
        await accounts.AuditAsync(CurrentUser, AuditTrail.ExportedAction, null, Describe(), ct);
        IReadOnlyList<AuditLine> lines;
        try { lines = await trail.LoadAsync(filter, AuditTrail.ExportLimit, ct); }
        catch (ServiceApiException ex)
        {
            return new ObjectResult(new ProblemDetails { Title = "A service did not answer", Detail = ex.Message, Status = StatusCodes.Status502BadGateway })
            { StatusCode = StatusCodes.Status502BadGateway };
        }
        var name = $"painpro-audit-{From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "start"}-{To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "now"}.csv";
        return File(Encoding.UTF8.GetBytes(AuditTrail.ToCsv(lines, time).ToCsv()), "text/csv; charset=utf-8", name);
    }

    /// <summary>The filter in force, or null with the problems in ModelState (or a service problem).</summary>
    private async Task<AuditFilter?> ReadFilterAsync(CancellationToken ct)
    {
        UserFilter = string.IsNullOrWhiteSpace(UserFilter) ? null : UserFilter.Trim();
        PatientFilter = string.IsNullOrWhiteSpace(PatientFilter) ? null : PatientFilter.Trim();
        if (UserFilter is { Length: > MaxFilterLength }) ModelState.AddModelError("user", $"Give a user name of at most {MaxFilterLength} characters.");
        if (PatientFilter is { Length: > MaxFilterLength }) ModelState.AddModelError("patient", $"Give an MRN or patient id of at most {MaxFilterLength} characters.");
        if (From is { } from && To is { } to && from > to) ModelState.AddModelError("from", "The start date must not be after the end date.");
        if (!ModelState.IsValid) return null;

        Guid? patientId = null;
        if (PatientFilter is { } patient)
        {
            if (Guid.TryParse(patient, out var id)) patientId = id;
            else
            {
                // An MRN: Scheduling's search finds it (and records that this administrator searched for the patient).
                IReadOnlyList<PatientRecord> found;
                try { found = await scheduling.SearchPatientsAsync(patient, ct); }
                catch (ServiceApiException ex)
                {
                    ServiceProblem = ex.Message;
                    return null;
                }
                var match = found.FirstOrDefault(p => string.Equals(p.Mrn, patient, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    ModelState.AddModelError("patient", $"No patient has the MRN {patient}. Give the full MRN or the patient id.");
                    return null;
                }
                patientId = match.PatientId;
            }
        }
        return new AuditFilter(UserFilter, patientId, From is { } f ? StartOf(f) : null, To is { } t ? StartOf(t.AddDays(1)) : null);
    }

    /// <summary>When a day begins in the Portal's time zone (the first valid instant, across a DST gap at midnight).</summary>
    private DateTimeOffset StartOf(DateOnly day)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(time.ZoneName);
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private string Describe()
    {
        var parts = new List<string>();
        if (UserFilter is not null) parts.Add($"user {UserFilter}");
        if (PatientFilter is not null) parts.Add($"patient {PatientFilter}");
        if (From is not null) parts.Add($"from {From:yyyy-MM-dd}");
        if (To is not null) parts.Add($"to {To:yyyy-MM-dd}");
        return parts.Count == 0 ? "everything" : string.Join(", ", parts);
    }
}
