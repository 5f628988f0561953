using Microsoft.Extensions.Options;
using PainPro.Contracts;
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
public sealed class AlertBook(IOptionsMonitor<IngestionOptions> options)
{
    private const string Insert = """
        INSERT INTO alerts (id, enrollment_id, patient_id, survey_id, timepoint, rules, severity, summary, consensus_class,
                            status, raised_at, updated_at, high_since)
        VALUES (@Id, @EnrollmentId, @PatientId, @SurveyId, @Timepoint, @Rules, @Severity, @Summary, @ConsensusClass,
                'open', @Now, @Now, @HighSince)
        ON CONFLICT (enrollment_id) WHERE status <> 'resolved' DO NOTHING
        """;

    private const string Update = """
        UPDATE alerts SET survey_id = @SurveyId, timepoint = @Timepoint, rules = @Rules, severity = @Severity,
                          summary = @Summary, consensus_class = @ConsensusClass, status = @Status, updated_at = @Now,
                          high_since = COALESCE(high_since, @HighSince)
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
        var finding = AlertRules.Evaluate(history.Trajectory, timepoint, options.CurrentValue.Alerts);
        if (finding is null) return;
        await ApplyAsync(session, new AlertEvidence(enrollmentId, patientId, surveyId, timepoint, consensusClass, finding), history);
    }

    public Task ApplyAsync(DbSession session, AlertEvidence evidence) => ApplyAsync(session, evidence, history: null);

    /// <param name="history">The enrollment as already read in this transaction, if it was: it spares reading the MRN again.</param>
    private async Task ApplyAsync(DbSession session, AlertEvidence evidence, EnrollmentHistory? history)
    {
        var now = session.Clock.GetUtcNow();
        var finding = evidence.Finding;
        var active = await FindUnresolvedAsync(session, evidence.EnrollmentId);
        if (active is null)
        {
            var id = Guid.CreateVersion7();
            var inserted = await session.ExecuteAsync(Insert, new
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
            });
            if (inserted == 1)
            {
                await AlertHistory.RecordAsync(session, Evidence(id, AlertActions.Raised, now, evidence.SurveyId, finding.Severity, finding.Rules, finding.Summary));
                var mrnLast4 = history is not null ? history.MrnLast4 : await MrnLast4Async(session, evidence.EnrollmentId);
                await PublishRaisedAsync(session, id, evidence, finding.Rules, finding.Severity, finding.Summary, now, escalated: false, mrnLast4);
                return;
            }
            // Another transaction raised it a moment ago: update that one instead.
            active = await FindUnresolvedAsync(session, evidence.EnrollmentId)
                ?? throw new InvalidOperationException($"Enrollment {evidence.EnrollmentId} has an unresolved alert that cannot be read.");
        }

        var rules = AlertRules.Ordered(active.Rules.Concat(finding.Rules));
        var severity = AlertSeverities.Rank(finding.Severity) > AlertSeverities.Rank(active.Severity) ? finding.Severity : active.Severity;
        var rose = severity != active.Severity;
        var newRules = rules.Count > active.Rules.Count;
        if (!rose && !newRules && finding.Summary == active.Summary && evidence.SurveyId == active.SurveyId) return;

        var reopen = active.Status == AlertStatuses.Acknowledged && (rose || newRules);
        await session.ExecuteAsync(Update, new
        {
            active.Id,
            evidence.SurveyId,
            evidence.Timepoint,
            Rules = string.Join(',', rules),
            Severity = severity,
            finding.Summary,
            evidence.ConsensusClass,
            Status = reopen ? AlertStatuses.Open : active.Status,
            Now = now,
            HighSince = severity == AlertSeverities.High ? now : (DateTimeOffset?)null,
        });
        await AlertHistory.RecordAsync(session, Evidence(active.Id, reopen ? AlertActions.Reopened : AlertActions.Updated, now,
            evidence.SurveyId, severity, rules, finding.Summary));
        if (rose) await PublishRaisedAsync(session, active.Id, evidence, rules, severity, finding.Summary, now, escalated: false, active.MrnLast4);
    }

    public static Task<AlertRecord?> FindUnresolvedAsync(DbSession session, Guid enrollmentId) =>
        session.QuerySingleOrDefaultAsync<AlertRecord>(
            $"SELECT {AlertRecord.Columns} FROM {AlertRecord.From} WHERE a.enrollment_id = @enrollmentId AND a.status <> 'resolved'",
            new { enrollmentId });

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
