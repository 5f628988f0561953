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

    // The worklist this alert was opened from (its query string), so "& next" follows the same list.
    [BindProperty(SupportsGet = true, Name = "severity")] public string? ListSeverity { get; set; }
    [BindProperty(SupportsGet = true, Name = "facility")] public string? ListFacility { get; set; }
    [BindProperty(SupportsGet = true, Name = "procedureType")] public string? ListProcedureType { get; set; }
    [BindProperty(SupportsGet = true, Name = "show")] public string? ListShow { get; set; }
    [BindProperty(SupportsGet = true, Name = "assigned")] public string? ListAssigned { get; set; }
    [BindProperty(SupportsGet = true, Name = "sort")] public string? ListSort { get; set; }
    [BindProperty(SupportsGet = true, Name = "dir")] public string? ListDir { get; set; }

    public Worklist.WorklistFilter List =>
        new Worklist.WorklistFilter(ListSeverity, ListFacility, ListProcedureType, ListShow, ListAssigned, ListSort, ListDir).Normalized();

    /// <summary>This page's address with the worklist's query string: where actions post and redirect to.</summary>
    public string Self => $"/alerts/{Id}{List.QueryString(withPage: false)}";

    /// <summary>Where a form posts for <paramref name="handler"/>, keeping the worklist's query string.</summary>
    public string Handler(string handler) => Self + (Self.Contains('?') ? "&" : "?") + "handler=" + handler;

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

    /// <summary>The patient's other alerts, newest first (null when Ingestion could not list them).</summary>
    public IReadOnlyList<AlertView>? PastAlerts { get; private set; }

    /// <summary>How to reach the patient, when Scheduling answered.</summary>
    public PatientContact? Contact => Patient is null ? null : new PatientContact(Patient, Enrollment?.TimeZone, time.Now);

    /// <summary>The items the alert's survey asks that a nurse can take over the phone (pain, and the medicine question where asked).</summary>
    public IReadOnlyList<string> PhoneItems =>
        Enrollment?.Surveys.FirstOrDefault(s => s.SurveyId == Alert?.SurveyId) is { } survey && !survey.Instruments.Any(i => i.Contains("analgesic", StringComparison.Ordinal))
            ? [PainPro.Instruments.ItemCodes.Vas]
            : [PainPro.Instruments.ItemCodes.Vas, PainPro.Instruments.ItemCodes.Analgesic];

    [BindProperty] public int? PhoneVas { get; set; }
    [BindProperty] public int? PhoneAnalgesic { get; set; }

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

    /// <summary>Acknowledge, then the next open alert of the same worklist that nobody else has taken.</summary>
    public Task<IActionResult> OnPostAcknowledgeNextAsync(CancellationToken ct) =>
        ActAsync("acknowledge", () => ingestion.AcknowledgeAsync(Id, ct), "Alert acknowledged.", ct, next: NextOpenOnly);

    /// <summary>Resolve, then the next unresolved alert of the same worklist that nobody else has taken.</summary>
    public Task<IActionResult> OnPostResolveNextAsync(CancellationToken ct)
    {
        RequireChoice(nameof(ResolveOutcome), ResolveOutcome, AlertNames.ResolutionOutcomes, "Choose the outcome.");
        OptionalText(nameof(ResolveNote), ResolveNote);
        return ActAsync("resolve", () => ingestion.ResolveAsync(Id, ResolveOutcome!, Trimmed(ResolveNote), ct), "Alert resolved.", ct, next: NextUnresolved);
    }

    /// <summary>The next alert of the worklist without acting on this one.</summary>
    public async Task<IActionResult> OnGetNextAsync(CancellationToken ct)
    {
        try { return Redirect(await NextUrlAsync(NextUnresolved, ct)); }
        catch (ServiceApiException ex) { Confirmation = ex.Message; return Redirect(Self); }
    }

    public Task<IActionResult> OnPostAssignAsync(CancellationToken ct) =>
        ActAsync("assign", () => ingestion.AssignAsync(Id, takeOver: false, ct), "Alert assigned to you: colleagues see you have it.", ct);

    public Task<IActionResult> OnPostTakeOverAsync(CancellationToken ct) =>
        ActAsync("assign", () => ingestion.AssignAsync(Id, takeOver: true, ct), "You took the alert over.", ct);

    public Task<IActionResult> OnPostReleaseAsync(CancellationToken ct) =>
        ActAsync("assign", () => ingestion.ReleaseAsync(Id, ct), "Alert given back.", ct);

    private const bool NextOpenOnly = true;
    private const bool NextUnresolved = false;

    /// <summary>Where "next" goes: the first alert of the same worklist (open ones only after acknowledging), else the worklist.</summary>
    private async Task<string> NextUrlAsync(bool openOnly, CancellationToken ct)
    {
        var list = List;
        var page = await ingestion.WorklistAsync(list.NextParameters(openOnly), 0, 1, exclude: Id, ct);
        if (page.Alerts.FirstOrDefault() is { } next) return $"/alerts/{next.AlertId}{list.QueryString(withPage: false)}";
        Confirmation = (Confirmation is null ? "" : Confirmation + " ") + "No more alerts waiting in this list.";
        return "/" + list.QueryString(withPage: false);
    }

    /// <summary>
    /// Answers the patient gave on the phone, for the alert's survey: stored by Ingestion as staff answers in the nurse's
    /// name (a new version if the patient had answered), audited, and the alert judged again.
    /// </summary>
    public async Task<IActionResult> OnPostAnswersAsync(CancellationToken ct)
    {
        var answers = new List<(string Item, int Value)>();
        if (PhoneVas is { } vas)
        {
            if (vas is < 0 or > 10) ModelState.AddModelError(nameof(PhoneVas), "Pain is a whole number from 0 to 10.");
            else answers.Add((PainPro.Instruments.ItemCodes.Vas, vas));
        }
        if (PhoneAnalgesic is { } analgesic)
        {
            if (analgesic is < 1 or > 3) ModelState.AddModelError(nameof(PhoneAnalgesic), "Choose less, about the same or more.");
            else answers.Add((PainPro.Instruments.ItemCodes.Analgesic, analgesic));
        }
        if (ModelState.IsValid && answers.Count == 0) ModelState.AddModelError("answers", "Enter at least one answer the patient gave.");
        var surveyId = Guid.Empty;
        if (ModelState.IsValid)
        {
            var detail = await ingestion.FindAlertAsync(Id, ct);
            if (detail is null) return NotFound();
            if (detail.Alert.SurveyId is not { } id) ModelState.AddModelError("answers", "This alert has no survey to enter answers for.");
            else surveyId = id;
        }
        return await ActAsync("answers", () => ingestion.EnterAnswersAsync(surveyId, answers, ct), "Answers from the call recorded.", ct);
    }

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

    private async Task<IActionResult> ActAsync(string action, Func<Task> act, string done, CancellationToken ct, bool? next = null)
    {
        if (ModelState.IsValid)
        {
            try
            {
                await act();
                Confirmation = done;
                if (next is { } openOnly)
                {
                    // The action is done: a failure to find the next alert only keeps the nurse here.
                    try { return Redirect(await NextUrlAsync(openOnly, ct)); }
                    catch (ServiceApiException) { return Redirect(Self); }
                }
                return Redirect(Self);
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
            var past = OptionalAsync(ingestion.ListPatientAlertsAsync(Alert.PatientId, ct));
            (Patient, Enrollment) = (await patient, await enrollment);
            PastAlerts = await past is { } alerts ? [.. alerts.Where(a => a.AlertId != Id)] : null;
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
