using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Clients;
using PainPro.Portal.Patients;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Alerts;

/// <summary>
/// One alert: the patient's timeline, the alert's history and the nurse's actions. Actions post here and
/// redirect back (post-redirect-get), so a refresh never repeats one.
/// </summary>
public sealed class DetailModel(IngestionClient ingestion, SchedulingClient scheduling, DisplayTime time) : PortalPageModel
{
    public const int MaxNoteLength = 2000;

    /// <summary>Who Ingestion names for what it did itself (evidence, escalation, a resolution by revised answers).</summary>
    public const string SystemActor = "system";

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? CallOutcome { get; set; }
    [BindProperty] public string? CallNote { get; set; }
    [BindProperty] public string? ResolveOutcome { get; set; }
    [BindProperty] public string? ResolveNote { get; set; }

    public AlertView? Alert { get; private set; }
    public IReadOnlyList<AlertHistoryEntry> History { get; private set; } = [];
    public PatientRecord? Patient { get; private set; }
    public EnrollmentDetail? Enrollment { get; private set; }
    public PatientTimeline Timeline { get; private set; } = new(null, null, []);

    /// <summary>
    /// The latest revision of an answer behind the alert, as its history tells it ("patient revised day-3 pain 9 → 1
    /// on the web form; no rule fires"): the system's lines that carry a note are exactly those.
    /// </summary>
    public AlertHistoryEntry? LatestAnswerChange =>
        Alert?.AnswerChangedAt is null ? null : History.LastOrDefault(h => h.Actor == SystemActor && h.Note is not null);
    public DisplayTime Time => time;

    /// <summary>Which action form failed validation, so focus and the error land there.</summary>
    public string? FailedAction { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadAsync(ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostAcknowledgeAsync(CancellationToken ct) =>
        ActAsync("acknowledge", () => ingestion.AcknowledgeAsync(Id, ct), "Alert acknowledged.", ct);

    public Task<IActionResult> OnPostNoteAsync(CancellationToken ct)
    {
        RequireText(nameof(Note), Note, "Write the note.");
        return ActAsync("note", () => ingestion.AddNoteAsync(Id, Note!.Trim(), ct), "Note added.", ct);
    }

    public Task<IActionResult> OnPostCallAsync(CancellationToken ct)
    {
        RequireChoice(nameof(CallOutcome), CallOutcome, AlertNames.CallOutcomes, "Choose how the call went.");
        OptionalText(nameof(CallNote), CallNote);
        return ActAsync("call", () => ingestion.RecordCallAsync(Id, CallOutcome!, Trimmed(CallNote), ct), "Call recorded.", ct);
    }

    public Task<IActionResult> OnPostResolveAsync(CancellationToken ct)
    {
        RequireChoice(nameof(ResolveOutcome), ResolveOutcome, AlertNames.ResolutionOutcomes, "Choose the outcome.");
        OptionalText(nameof(ResolveNote), ResolveNote);
        return ActAsync("resolve", () => ingestion.ResolveAsync(Id, ResolveOutcome!, Trimmed(ResolveNote), ct), "Alert resolved.", ct);
    }

    private async Task<IActionResult> ActAsync(string action, Func<Task> act, string done, CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            try
            {
                await act();
                Confirmation = done;
                return RedirectToPage(new { id = Id });
            }
            catch (ServiceApiException ex) when (ex.IsNotFound) { return NotFound(); }
            catch (ServiceApiException ex) when (ex.IsRejection)
            {
                // Ingestion said no (e.g. already resolved): keep what was typed and say why.
                ModelState.AddModelError(action, ex.Message);
            }
        }
        FailedAction = action;
        if (!await LoadAsync(ct)) return NotFound();
        if (ServiceProblem is null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var found = true;
        await TryLoadAsync(async () =>
        {
            var detail = await ingestion.FindAlertAsync(Id, ct);
            if (detail is null) { found = false; return; }
            (Alert, History) = (detail.Alert, detail.History);
            // The alert and its actions stay usable when the timeline's sources are not.
            var patient = OptionalAsync(scheduling.FindPatientAsync(Alert.PatientId, ct));
            var enrollment = OptionalAsync(scheduling.FindEnrollmentAsync(Alert.EnrollmentId, ct));
            var responses = OptionalAsync(ingestion.ListResponsesAsync(Alert.EnrollmentId, ct));
            (Patient, Enrollment) = (await patient, await enrollment);
            Timeline = PatientTimeline.Build(Enrollment, await responses ?? []);
        });
        return found;
    }

    private void RequireText(string field, string? value, string message)
    {
        if (string.IsNullOrWhiteSpace(value)) ModelState.AddModelError(field, message);
        else OptionalText(field, value);
    }

    private void OptionalText(string field, string? value)
    {
        if (value is { Length: > MaxNoteLength }) ModelState.AddModelError(field, $"Keep it to {MaxNoteLength} characters.");
    }

    private void RequireChoice(string field, string? value, IReadOnlyList<(string Code, string Label)> choices, string message)
    {
        if (!choices.Any(c => c.Code == value)) ModelState.AddModelError(field, message);
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
