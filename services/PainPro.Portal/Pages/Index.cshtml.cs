using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PainPro.Portal.Clients;
using PainPro.Portal.Web;
using PainPro.Portal.Worklist;

namespace PainPro.Portal.Pages;

/// <summary>
/// The nurse worklist: a work queue of unresolved alerts, most urgent and longest past target first, one page at a time,
/// refreshing itself. Ingestion filters, sorts, pages and counts; the patients of the page are named in one call.
/// Acknowledge, multi-select acknowledge and "assign to me" work from the rows (post-redirect-get).
/// </summary>
public sealed class IndexModel(
    IngestionClient ingestion,
    WorklistPatients patientsOf,
    DisplayTime time,
    IOptions<PortalOptions> options) : PortalPageModel
{
    public const int MaxSelected = 200;

    [BindProperty(SupportsGet = true)] public string? Severity { get; set; }
    [BindProperty(SupportsGet = true)] public string? Facility { get; set; }
    [BindProperty(SupportsGet = true)] public string? ProcedureType { get; set; }
    /// <summary><c>open</c> or <c>acknowledged</c>; empty for both.</summary>
    [BindProperty(SupportsGet = true)] public string? Show { get; set; }
    /// <summary><c>me</c> or <c>none</c>; empty for anyone.</summary>
    [BindProperty(SupportsGet = true)] public string? Assigned { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public string? Dir { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    [BindProperty] public Guid? AlertId { get; set; }
    [BindProperty] public List<Guid> Selected { get; set; } = [];

    public WorklistFilter Filter => new WorklistFilter(Severity, Facility, ProcedureType, Show, Assigned, Sort, Dir, PageNumber ?? 1).Normalized();
    public WorklistView View { get; private set; } = WorklistView.Empty;
    public DateTimeOffset LoadedAt { get; private set; }
    public DisplayTime Time => time;
    public int RefreshSeconds => (int)Math.Clamp(options.Value.WorklistRefresh.TotalSeconds, 2, 3600);

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>Just the rows, for the page's auto-refresh.</summary>
    public async Task<IActionResult> OnGetRowsAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Partial("_WorklistRows", this);
    }

    public Task<IActionResult> OnPostAcknowledgeAsync(CancellationToken ct) =>
        ActAsync(() => ingestion.AcknowledgeAsync(AlertId!.Value, ct), "Alert acknowledged.", ct);

    public Task<IActionResult> OnPostAssignAsync(CancellationToken ct) =>
        ActAsync(() => ingestion.AssignAsync(AlertId!.Value, takeOver: false, ct), "Alert assigned to you: colleagues see you have it.", ct);

    public Task<IActionResult> OnPostReleaseAsync(CancellationToken ct) =>
        ActAsync(() => ingestion.ReleaseAsync(AlertId!.Value, ct), "Alert given back.", ct);

    public async Task<IActionResult> OnPostAcknowledgeSelectedAsync(CancellationToken ct)
    {
        var selected = Selected.Distinct().ToList();
        if (selected.Count == 0 || selected.Count > MaxSelected)
        {
            ModelState.AddModelError("selection", selected.Count == 0
                ? "Select the alerts to acknowledge first (the boxes at the start of each row)."
                : $"Select at most {MaxSelected} alerts at a time.");
            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        try
        {
            var result = await ingestion.AcknowledgeManyAsync(selected, ct);
            var skipped = result.Skipped.Count;
            Confirmation = $"{result.Acknowledged.Count} {(result.Acknowledged.Count == 1 ? "alert" : "alerts")} acknowledged"
                + (skipped == 0 ? "." : $"; {skipped} already acknowledged or resolved by someone else.");
            return Redirect(WorklistUrl());
        }
        catch (ServiceApiException ex)
        {
            ServiceProblem = ex.Message;
            await LoadAsync(ct);
            if (ServiceProblem is not null) Response.StatusCode = ex.IsRejection ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway;
            return Page();
        }
    }

    private async Task<IActionResult> ActAsync(Func<Task> act, string done, CancellationToken ct)
    {
        if (AlertId is null) return BadRequest();
        try
        {
            await act();
            Confirmation = done;
            return Redirect(WorklistUrl());
        }
        catch (ServiceApiException ex) when (ex.IsNotFound) { return NotFound(); }
        catch (ServiceApiException ex)
        {
            // Refused (a colleague resolved it or holds it) or unavailable: say so above the list, which is still shown.
            var problem = ex.Message;
            await LoadAsync(ct);
            ServiceProblem = problem;
            Response.StatusCode = ex.IsRejection ? StatusCodes.Status409Conflict : StatusCodes.Status502BadGateway;
            return Page();
        }
    }

    /// <summary>The worklist as it was asked for, so an action lands the nurse where they were.</summary>
    public string WorklistUrl() => "/" + Filter.QueryString();

    private Task LoadAsync(CancellationToken ct) => TryLoadAsync(async () =>
    {
        var filter = Filter;
        var page = await ingestion.WorklistAsync(filter.Parameters(), filter.Offset, WorklistFilter.PageSize, ct: ct);
        var patients = await patientsOf.FindAsync(CurrentUser, page.Alerts.Select(a => a.PatientId), ct);
        LoadedAt = time.Now;
        View = WorklistView.Build(filter, page, patients);
    });
}
