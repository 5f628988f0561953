using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Clients;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Patients;

/// <summary>Patient search by MRN (exact or prefix), name (whatever its accents and case) or phone number, answered by Scheduling.</summary>
public sealed class IndexModel(SchedulingClient scheduling, DisplayTime time) : PortalPageModel
{
    public const int MaxQueryLength = 100;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public IReadOnlyList<PatientRecord>? Results { get; private set; }
    public string? QueryProblem { get; private set; }
    public DisplayTime Time => time;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = Q?.Trim();
        if (string.IsNullOrEmpty(query)) return;
        if (query.Length < 2 || query.Length > MaxQueryLength)
        {
            // Not an error page: the form says what it needs, as for any short query ("%" included).
            QueryProblem = $"Type 2 to {MaxQueryLength} characters of an MRN, a name or a phone number.";
            return;
        }
        await TryLoadAsync(async () => Results = await scheduling.SearchPatientsAsync(query, ct));
    }
}
