using PainPro.Ingestion.Telemetry;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Surveys;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Alerts;

/// <summary>New evidence for an enrollment's alert: the survey it came from and what the rules found.</summary>
public sealed record AlertEvidence(Guid EnrollmentId, Guid PatientId, Guid SurveyId, string Timepoint, string? ConsensusClass, AlertFinding Finding);

/// <summary>
/// Keeps one unresolved alert per enrollment. New evidence updates it instead of stacking duplicates:
/// rules accumulate, the summary is the latest evidence's, the severity only rises. Creation and every rise
/// in severity are published as <see cref="PainAlertRaised"/>, so the care team hears of worse news and
/// nothing else. An acknowledged alert that gets worse (higher severity or a new rule) is open again.
/// </summary>
/// <remarks>
/// A <em>revised</em> answer is different: what the alert said may no longer hold. <see cref="ReviseAsync"/> runs the
/// rules again on every survey whose evidence the alert holds, with the current answers, and the alert follows: its
/// rules, severity (which may fall) and summary are what fires now, or, when nothing fires any more, it is resolved by
/// "system" (outcome <see cref="AlertOutcomes.AnswerRevised"/>) and <see cref="AlertResolved"/> is published. Either
/// way the history says who revised what ("patient revised day-3 pain 9 → 1 on the web form; no rule fires"). The
/// care team is told again only when the severity rises, as for any evidence.
/// </remarks>
public sealed class AlertBook(IOptionsMonitor<IngestionOptions> options)
{
    // SQL Server: the key range stays locked to the insert (UPDLOCK, HOLDLOCK), so two evaluations cannot both miss it.
    private static string Insert(SqlDialect dialect) => dialect.IsSqlServer
        ? """
          INSERT INTO alerts (id, enrollment_id, patient_id, survey_id, timepoint, rules, severity, summary, consensus_class,
                              status, raised_at, updated_at, high_since, severity_basis)
          SELECT @Id, @EnrollmentId, @PatientId, @SurveyId, @Timepoint, @Rules, @Severity, @Summary, @ConsensusClass,
                 'open', @Now, @Now, @HighSince, @SeverityBasis
          WHERE NOT EXISTS (SELECT 1 FROM alerts WITH (UPDLOCK, HOLDLOCK) WHERE enrollment_id = @EnrollmentId AND status <> 'resolved')
          """
        : """
        INSERT INTO alerts (id, enrollment_id, patient_id, survey_id, timepoint, rules, severity, summary, consensus_class,
                            status, raised_at, updated_at, high_since, severity_basis)
        VALUES (@Id, @EnrollmentId, @PatientId, @SurveyId, @Timepoint, @Rules, @Severity, @Summary, @ConsensusClass,
                'open', @Now, @Now, @HighSince, @SeverityBasis)
        ON CONFLICT (enrollment_id) WHERE status <> 'resolved' DO NOTHING
        """;

    /// <summary>
    /// The alert after new evidence or a revision. <c>high_since</c> starts when it becomes high and clears when it no
    /// longer is (escalation counts from it); <c>answer_changed_at</c> moves only for a revision.
    /// </summary>
    private const string Update = """
        UPDATE alerts SET survey_id = @SurveyId, timepoint = @Timepoint, rules = @Rules, severity = @Severity,
                          summary = @Summary, consensus_class = @ConsensusClass, status = @Status, updated_at = @Now,
                          severity_basis = @SeverityBasis,
                          high_since = CASE WHEN @Severity = 'high' THEN COALESCE(high_since, @Now) ELSE NULL END,
                          answer_changed_at = COALESCE(@AnswerChangedAt, answer_changed_at)
        WHERE id = @Id
        """;

    /// <summary>
    /// Runs the rules on a follow-up survey's answers and applies what they find. <paramref name="history"/> is the
    /// enrollment as this transaction sees it, the survey's new scores included.
    /// </summary>
    public async Task EvaluateAsync(DbSession session, Guid enrollmentId, Guid patientId, Guid surveyId, string timepoint,
        string? consensusClass, EnrollmentHistory history)
    {
        if (timepoint == Timepoints.Baseline) return;
        using var activity = IngestionTelemetry.StartAlertEvaluation(surveyId, timepoint);
        var finding = AlertRules.Evaluate(history.Trajectory, timepoint, options.CurrentValue.Alerts);
        IngestionTelemetry.FinishAlertEvaluation(activity, finding);
        if (finding is null) return;
        await ApplyAsync(session, new AlertEvidence(enrollmentId, patientId, surveyId, timepoint, consensusClass, finding), history);
    }

    /// <returns>The id of the alert the evidence raised or updated.</returns>
    public Task<Guid> ApplyAsync(DbSession session, AlertEvidence evidence) => ApplyAsync(session, evidence, history: null);

    /// <param name="history">The enrollment as already read in this transaction, if it was: it spares reading the MRN again.</param>
    private async Task<Guid> ApplyAsync(DbSession session, AlertEvidence evidence, EnrollmentHistory? history)
    {
        var now = session.Clock.GetUtcNow();
        var finding = evidence.Finding;
        var active = history is { UnresolvedRead: true } ? history.Unresolved : await FindUnresolvedAsync(session, evidence.EnrollmentId);
        if (active is null)
        {
            var id = Guid.CreateVersion7();
            var inserted = await session.ExecuteAsync(Insert(session.Dialect), new
            {
                Id = id,
                evidence.EnrollmentId,
                evidence.PatientId,
                evidence.SurveyId,
                evidence.Timepoint,
                Rules = string.Join(',', finding.Rules),
                finding.Severity,
                finding.Summary,
                evidence.ConsensusClass,
                Now = now,
                HighSince = finding.Severity == AlertSeverities.High ? now : (DateTimeOffset?)null,
                SeverityBasis = finding.SeverityBasis,
            });
            if (inserted == 1)
            {
                await AlertHistory.RecordAsync(session, Evidence(id, AlertActions.Raised, now, evidence.SurveyId, finding.Severity, finding.Rules, finding.Summary));
                var mrnLast4 = history is not null ? history.MrnLast4 : await MrnLast4Async(session, evidence.EnrollmentId);
                await PublishRaisedAsync(session, id, evidence, finding.Rules, finding.Severity, finding.Summary, now, escalated: false, mrnLast4);
                return id;
            }
            // Another transaction raised it a moment ago: update that one instead.
            active = await FindUnresolvedAsync(session, evidence.EnrollmentId)
                ?? throw new InvalidOperationException($"Enrollment {evidence.EnrollmentId} has an unresolved alert that cannot be read.");
        }

        var rules = AlertRules.Ordered(active.Rules.Concat(finding.Rules));
        var severity = AlertSeverities.Rank(finding.Severity) > AlertSeverities.Rank(active.Severity) ? finding.Severity : active.Severity;
        var rose = severity != active.Severity;
        var newRules = rules.Count > active.Rules.Count;
        // What set the severity stays in the summary when milder news updates the alert: the news that raised it, or
        // (alerts from before the basis was kept) the news that carries the severity.
        var basis = rose || (active.SeverityBasis is null && finding.Severity == severity) ? finding.SeverityBasis : active.SeverityBasis;
        var isMessage = finding.Rules.Contains(AlertRules.PatientMessage);
        // A patient's message joins what the alert says; other news keeps the alert's latest message (PatientMessages).
        var summary = PatientMessages.Merge(active.Summary, isMessage ? finding : finding with { Summary = Composed(severity, basis, finding) });
        if (!rose && !newRules && !isMessage && summary == active.Summary && evidence.SurveyId == active.SurveyId) return active.Id;

        // A new message is news no person has read yet, whatever its severity.
        var reopen = active.Status == AlertStatuses.Acknowledged && (rose || newRules || isMessage);
        await UpdateAsync(session, active, evidence.SurveyId, evidence.Timepoint, rules, severity, summary, evidence.ConsensusClass ?? active.ConsensusClass,
            basis, reopen, now, revised: false);
        await AlertHistory.RecordAsync(session, Evidence(active.Id, reopen ? AlertActions.Reopened : AlertActions.Updated, now,
            evidence.SurveyId, severity, rules, summary));
        if (rose) await PublishRaisedAsync(session, active.Id, evidence, rules, severity, summary, now, escalated: false, active.MrnLast4);
        return active.Id;
    }

    /// <summary>
    /// An answer of <paramref name="survey"/> was revised: re-runs the rules over the unresolved alert's evidence with
    /// the current answers and updates or resolves it. <paramref name="history"/> is the enrollment as this
    /// transaction sees it, the revised scores (and a revised surveyed baseline) included.
    /// </summary>
    public async Task ReviseAsync(DbSession session, SurveyRecord survey, string? consensusClass, EnrollmentHistory history, AnswerChange change)
    {
        var thresholds = options.CurrentValue.Alerts;
        var trajectory = history.Trajectory;
        var finding = survey.IsFollowUp ? AlertRules.Evaluate(trajectory, survey.Timepoint, thresholds) : null;
        var active = history is { UnresolvedRead: true } ? history.Unresolved : await FindUnresolvedAsync(session, survey.EnrollmentId);
        if (active is null)
        {
            // Nothing to revise: if the revised answers fire, that is news like any answer.
            if (finding is not null)
                await ApplyAsync(session, new AlertEvidence(survey.EnrollmentId, survey.PatientId, survey.Id, survey.Timepoint, consensusClass, finding), history);
            return;
        }

        // Every survey the alert holds evidence of is judged again: a revised day 3 also moves month 1's rebound, a
        // revised surveyed baseline every follow-up. The revised survey comes last, as the newest evidence.
        var evidence = await EvidenceSurveysAsync(session, active.Id);

        var surveys = (await session.QueryAsync<EvidenceSurvey>("""
            SELECT s.id AS Id, s.timepoint AS Timepoint, s.status AS Status, s.consensus_class AS ConsensusClass,
                   CASE WHEN EXISTS (SELECT 1 FROM responses r WHERE r.survey_id = s.id) THEN 1 ELSE 0 END AS Answered
            FROM surveys s WHERE s.enrollment_id = @EnrollmentId
            """, new { survey.EnrollmentId })).ToDictionary(s => s.Id);
        var findings = new List<(EvidenceSurvey Survey, AlertFinding Finding)>();
        foreach (var id in evidence.Where(id => id != survey.Id).Append(survey.Id))
        {
            if (!surveys.TryGetValue(id, out var source)) continue;
            var found = id == survey.Id ? finding : FindingOf(source, trajectory, thresholds);
            if (found is not null) findings.Add((id == survey.Id ? source with { ConsensusClass = consensusClass } : source, found));
        }

        // What patients wrote still stands whatever their answers now say: the alert keeps its message and its urgency.
        var message = PatientMessages.Split(active.Summary).Message;
        if (active.Rules.Contains(AlertRules.PatientMessage) && message is not null)
        {
            var urgent = await PatientMessages.AnyUrgentAsync(session, active.Id);
            var standing = new AlertFinding([AlertRules.PatientMessage], urgent ? AlertSeverities.High : AlertSeverities.Low, message);
            findings.Insert(0, (new EvidenceSurvey { Id = active.SurveyId, Timepoint = active.Timepoint, ConsensusClass = active.ConsensusClass }, standing));
        }

        var now = session.Clock.GetUtcNow();
        if (findings.Count == 0)
        {
            var line = change.Describe(consequence: "no rule fires");
            var resolved = await session.ExecuteAsync("""
                UPDATE alerts SET status = 'resolved', resolved_at = @now, resolved_by = @by, outcome = @outcome,
                                  resolution_note = @line, updated_at = @now, answer_changed_at = @now
                WHERE id = @Id AND status <> 'resolved'
                """, new { now, by = AlertEvent.SystemActor, outcome = AlertOutcomes.AnswerRevised, line, active.Id });
            if (resolved == 0) return;
            await AlertHistory.RecordAsync(session, new AlertEvent
            {
                AlertId = active.Id, At = now, Action = AlertActions.Resolved, SurveyId = survey.Id, Outcome = AlertOutcomes.AnswerRevised, Note = line,
            });
            await session.PublishAsync(new AlertResolved(active.Id, AlertEvent.SystemActor, now, AlertOutcomes.AnswerRevised, line));
            return;
        }

        // The latest evidence speaks for the alert: the revised survey if it still fires, else the last one that does.
        var (latest, latestFinding) = findings[^1];
        var rules = AlertRules.Ordered(findings.SelectMany(f => f.Finding.Rules));
        var severity = findings.Select(f => f.Finding.Severity).MaxBy(AlertSeverities.Rank)!;
        var basis = findings.First(f => f.Finding.Severity == severity).Finding.SeverityBasis;
        var summary = latestFinding.Rules.Contains(AlertRules.PatientMessage)
            ? latestFinding.Summary
            : PatientMessages.Merge(message, latestFinding with { Summary = Composed(severity, basis, latestFinding) });
        latestFinding = latestFinding with { Summary = summary };
        if (finding is null && !evidence.Contains(survey.Id)
            && rules.SequenceEqual(active.Rules) && severity == active.Severity && latestFinding.Summary == active.Summary)
            return; // a revision the alert does not rest on and that changes nothing in it

        var rose = AlertSeverities.Rank(severity) > AlertSeverities.Rank(active.Severity);
        var reopen = active.Status == AlertStatuses.Acknowledged && (rose || rules.Except(active.Rules).Any());
        var note = change.Describe(consequence: $"now {string.Join(", ", rules)} ({severity})");
        await UpdateAsync(session, active, latest.Id, latest.Timepoint, rules, severity, latestFinding.Summary, latest.ConsensusClass,
            basis, reopen, now, revised: true);
        await AlertHistory.RecordAsync(session, Evidence(active.Id, reopen ? AlertActions.Reopened : AlertActions.Revised, now,
            latest.Id, severity, rules, latestFinding.Summary) with { Note = note });
        if (rose)
            await PublishRaisedAsync(session, active.Id,
                new AlertEvidence(survey.EnrollmentId, survey.PatientId, latest.Id, latest.Timepoint, latest.ConsensusClass, latestFinding),
                rules, severity, latestFinding.Summary, now, escalated: false, active.MrnLast4);
    }

    /// <summary>
    /// The news in the alert's words, led by what set its severity when the news is milder (<see cref="AlertRules.Compose"/>).
    /// A severity set by an urgent message needs no lead: the message stays in the summary, urgency words and all.
    /// </summary>
    private static string Composed(string severity, string? basis, AlertFinding news) =>
        basis is not null && PatientMessages.Split(basis).Rules is null ? news.Summary : AlertRules.Compose(severity, basis, news);

    private static Task UpdateAsync(DbSession session, AlertRecord active, Guid surveyId, string timepoint, IReadOnlyList<string> rules,
        string severity, string summary, string? consensusClass, string? severityBasis, bool reopen, DateTimeOffset now, bool revised) =>
        session.Write(Update, new
        {
            active.Id,
            SurveyId = surveyId,
            Timepoint = timepoint,
            Rules = string.Join(',', rules),
            Severity = severity,
            Summary = summary,
            ConsensusClass = consensusClass,
            SeverityBasis = severityBasis,
            Status = reopen ? AlertStatuses.Open : active.Status,
            Now = now,
            AnswerChangedAt = revised ? now : (DateTimeOffset?)null,
        });

    /// <summary>What the rules find on a survey now: its answers', or no-response when it expired unanswered.</summary>
    private static AlertFinding? FindingOf(EvidenceSurvey survey, Trajectory trajectory, AlertThresholds thresholds) =>
        survey.Answered == 0 && survey.Status == SurveyRecordStatuses.Expired ? AlertRules.NoAnswer(survey.Timepoint)
        : survey.Timepoint == Timepoints.Baseline ? null
        : AlertRules.Evaluate(trajectory, survey.Timepoint, thresholds);

    /// <summary>The surveys whose evidence raised or updated the alert, the most recent evidence last.</summary>
    private static async Task<IReadOnlyList<Guid>> EvidenceSurveysAsync(DbSession session, Guid alertId) =>
        [.. await session.QueryAsync<Guid>("""
            SELECT survey_id FROM alert_events
            WHERE alert_id = @alertId AND survey_id IS NOT NULL AND action IN ('raised', 'updated', 'reopened', 'revised')
            GROUP BY survey_id ORDER BY MAX(at), survey_id
            """, new { alertId })];

    private sealed record EvidenceSurvey
    {
        public Guid Id { get; init; }
        public string Timepoint { get; init; } = "";
        public string Status { get; init; } = "";
        public string? ConsensusClass { get; init; }
        public int Answered { get; init; }
    }

    public static Task<AlertRecord?> FindUnresolvedAsync(DbSession session, Guid enrollmentId) =>
        session.QuerySingleOrDefaultAsync<AlertRecord>(SelectUnresolved("@enrollmentId"), new { enrollmentId });

    /// <summary>The unresolved alert of the enrollment <paramref name="enrollmentId"/> names (a parameter or a subquery).</summary>
    internal static string SelectUnresolved(string enrollmentId) =>
        $"SELECT {AlertRecord.Columns} FROM {AlertRecord.From} WHERE a.enrollment_id = {enrollmentId} AND a.status <> 'resolved'";

    /// <param name="mrnLast4">The enrollment's MRN suffix, as <see cref="AlertRecord.MrnLast4"/> or <see cref="EnrollmentHistory"/> read it.</param>
    public static Task PublishRaisedAsync(DbSession session, Guid alertId, AlertEvidence evidence,
        IReadOnlyList<string> rules, string severity, string summary, DateTimeOffset at, bool escalated, string? mrnLast4) =>
        session.PublishAsync(new PainAlertRaised(alertId, evidence.EnrollmentId, evidence.PatientId, evidence.SurveyId,
            [.. rules], severity, summary, at, mrnLast4, escalated));

    private static Task<string?> MrnLast4Async(DbSession session, Guid enrollmentId) =>
        session.QuerySingleOrDefaultAsync<string?>("SELECT mrn_last4 FROM enrollments WHERE id = @enrollmentId", new { enrollmentId });

    private static AlertEvent Evidence(Guid alertId, string action, DateTimeOffset at, Guid surveyId, string severity,
        IReadOnlyList<string> rules, string summary) => new()
    {
        AlertId = alertId,
        At = at,
        Action = action,
        SurveyId = surveyId,
        Severity = severity,
        Rules = string.Join(',', rules),
        Summary = summary,
    };
}
