using PainPro.Portal.Dashboard;

namespace PainPro.Portal.Clients;

/// <summary>Ingestion's API: alerts and their actions, answers, and the outcome figures.</summary>
public sealed class IngestionClient(HttpClient http) : ServiceApiClient(http, "Ingestion")
{
    /// <summary>The largest page Ingestion serves; the worklist wants every unresolved alert in one go.</summary>
    public const int MaxAlertsPerCall = 1000;

    public Task<IReadOnlyList<AlertView>> ListAlertsAsync(string? status, string? severity = null, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<AlertView>>(
            Query("api/alerts", ("status", status), ("severity", severity), ("limit", MaxAlertsPerCall.ToString(System.Globalization.CultureInfo.InvariantCulture))), ct);

    /// <summary>One page of the worklist; Ingestion filters, sorts, pages and counts.</summary>
    public Task<WorklistPage> WorklistAsync(IEnumerable<(string Name, string? Value)> parameters, int offset, int limit,
        Guid? exclude = null, CancellationToken ct = default) =>
        GetAsync<WorklistPage>(Query("api/alerts/worklist", [.. parameters, ("offset", Number(offset)), ("limit", Number(limit)),
            ("exclude", exclude?.ToString())]), ct);

    /// <summary>The worklist's multi-select: acknowledges every open one of them.</summary>
    public async Task<AcknowledgeManyResult> AcknowledgeManyAsync(IReadOnlyCollection<Guid> alertIds, CancellationToken ct = default) =>
        await PostAsync<AcknowledgeManyResult>("api/alerts/acknowledge", new { alertIds }, ct);

    /// <summary>"Assign to me" (the acting user); <paramref name="takeOver"/> takes it from a colleague.</summary>
    public Task AssignAsync(Guid alertId, bool takeOver = false, CancellationToken ct = default) =>
        PostAsync($"api/alerts/{alertId}/assign", new { takeOver }, ct);

    public Task ReleaseAsync(Guid alertId, CancellationToken ct = default) =>
        PostAsync($"api/alerts/{alertId}/release", null, ct);

    /// <summary>Every alert of a patient, resolved ones included, newest first.</summary>
    public async Task<IReadOnlyList<AlertView>> ListPatientAlertsAsync(Guid patientId, CancellationToken ct = default) =>
        [.. (await GetAsync<IReadOnlyList<AlertView>>(Query("api/alerts", ("patientId", patientId.ToString()), ("limit", Number(PastAlertLimit))), ct))
            .OrderByDescending(a => a.RaisedAt)];

    /// <summary>How many of a patient's alerts the pages list.</summary>
    public const int PastAlertLimit = 100;

    /// <summary>Answers a nurse took over the phone (<c>POST /api/surveys/{id}/responses</c>; Ingestion records her name and audits it).</summary>
    public Task EnterAnswersAsync(Guid surveyId, IReadOnlyList<(string Item, int Value)> answers, CancellationToken ct = default) =>
        PostAsync($"api/surveys/{surveyId}/responses", new { answers = answers.Select(a => new { item = a.Item, value = a.Value }) }, ct);

    public Task<AlertDetail?> FindAlertAsync(Guid alertId, CancellationToken ct = default) =>
        FindAsync<AlertDetail>($"api/alerts/{alertId}", ct);

    public Task AcknowledgeAsync(Guid alertId, CancellationToken ct = default) =>
        PostAsync($"api/alerts/{alertId}/acknowledge", null, ct);

    public Task ResolveAsync(Guid alertId, string outcome, string? note, CancellationToken ct = default) =>
        PostAsync($"api/alerts/{alertId}/resolve", new { outcome, note }, ct);

    public Task AddNoteAsync(Guid alertId, string note, CancellationToken ct = default) =>
        PostAsync($"api/alerts/{alertId}/notes", new { note }, ct);

    public Task RecordCallAsync(Guid alertId, string outcome, string? note, CancellationToken ct = default) =>
        PostAsync($"api/alerts/{alertId}/calls", new { outcome, note }, ct);

    /// <summary>Staff actions on alerts and views or changes of answers (Ingestion's audit API), newest first.</summary>
    public Task<IReadOnlyList<Audit.AuditedStaffAction>> StaffActionsAsync(Audit.AuditFilter filter, int limit, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<Audit.AuditedStaffAction>>(Query("api/audit/staff-actions", filter.Parameters(limit)), ct);

    public Task<IReadOnlyList<ResponseView>> ListResponsesAsync(Guid enrollmentId, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<ResponseView>>($"api/enrollments/{enrollmentId}/responses", ct);

    /// <summary>Texts patients wrote that were neither answers nor keywords, newest first (the view is audited).</summary>
    public Task<IReadOnlyList<PatientMessage>> ListPatientMessagesAsync(string? kind, bool? urgent, int limit, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<PatientMessage>>(Query("api/patient-messages", ("kind", kind),
            ("urgent", urgent?.ToString().ToLowerInvariant()), ("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture))), ct);

    /// <summary>An enrollment's messages from the patient, newest first (the view is audited).</summary>
    public Task<IReadOnlyList<PatientMessage>> ListEnrollmentMessagesAsync(Guid enrollmentId, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<PatientMessage>>($"api/enrollments/{enrollmentId}/messages", ct);

    public Task<IReadOnlyList<OutcomeSummaryRow>> OutcomeSummaryAsync(ReportFilter filter, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<OutcomeSummaryRow>>(
            Query("api/outcomes/summary", ("procedureType", filter.ProcedureType), ("from", filter.FromParameter), ("to", filter.ToParameter)), ct);

    /// <param name="groupsByPeriod">False: facilities, surgeons and procedure types over the whole range only, as the dashboard draws them.</param>
    public Task<OutcomeTrends> TrendsAsync(ReportFilter filter, string period, bool groupsByPeriod = true, CancellationToken ct = default) =>
        GetAsync<OutcomeTrends>(Query("api/outcomes/trends", ("procedureType", filter.ProcedureType), ("from", filter.FromParameter),
            ("to", filter.ToParameter), ("period", period), ("groupsByPeriod", groupsByPeriod ? null : "false")), ct);

    /// <summary>The de-identified patient-level CSV (Ingestion audits the download).</summary>
    public Task<byte[]> ExtractAsync(ReportFilter filter, CancellationToken ct = default) =>
        GetBytesAsync(Query("api/outcomes/extract", ("procedureType", filter.ProcedureType), ("from", filter.FromParameter),
            ("to", filter.ToParameter)), ct);

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<AlertStatistics> AlertStatisticsAsync(ReportFilter filter, CancellationToken ct = default) =>
        GetAsync<AlertStatistics>(
            Query("api/alerts/stats", ("procedureType", filter.ProcedureType), ("from", filter.FromParameter), ("to", filter.ToParameter)), ct);
}
