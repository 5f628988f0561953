using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Portal.Clients;
using PainPro.Portal.Web;
using PainPro.Portal.Worklist;

namespace PainPro.Portal.Pages;

/// <summary>The nurse worklist: unresolved alerts, most urgent and longest waiting first, refreshing itself.</summary>
public sealed class IndexModel(
    IngestionClient ingestion,
    WorklistPatients patientsOf,
    DisplayTime time,
    IOptions<PortalOptions> options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)] public string? Severity { get; set; }
    [BindProperty(SupportsGet = true)] public string? Facility { get; set; }
    [BindProperty(SupportsGet = true)] public string? ProcedureType { get; set; }
    /// <summary>"open" hides alerts someone already acknowledged.</summary>
    [BindProperty(SupportsGet = true)] public string? Show { get; set; }

    public WorklistView View { get; private set; } = new([], [], []);
    public DateTimeOffset LoadedAt { get; private set; }
    public DisplayTime Time => time;
    public int RefreshSeconds => (int)Math.Clamp(options.Value.WorklistRefresh.TotalSeconds, 2, 3600);
    public static IReadOnlyList<string> Severities => [AlertSeverities.High, AlertSeverities.Medium, AlertSeverities.Low];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>Just the rows, for the page's auto-refresh.</summary>
    public async Task<IActionResult> OnGetRowsAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Partial("_WorklistRows", this);
    }

    private Task LoadAsync(CancellationToken ct) => TryLoadAsync(async () =>
    {
        var severity = Severities.Contains(Severity) ? Severity : null;
        var open = ingestion.ListAlertsAsync("open", severity, ct);
        var acknowledged = ingestion.ListAlertsAsync("acknowledged", severity, ct);
        var alerts = (await open).Concat(await acknowledged).ToList();
        var patients = await patientsOf.FindAsync(CurrentUser, alerts.Select(a => a.PatientId), ct);
        LoadedAt = time.Now;
        View = NurseWorklist.Build(alerts, patients,
            new WorklistFilter(severity, Facility, ProcedureType, IncludeAcknowledged: Show != "open"),
            new AcknowledgeTargets(options.Value.AcknowledgeTargets), LoadedAt);
    });
}
