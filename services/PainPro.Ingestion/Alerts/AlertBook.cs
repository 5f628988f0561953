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

    /// <summary>Runs the rules on a follow-up survey's answers and applies what they find.</summary>
    public async Task EvaluateAsync(DbSession session, Guid enrollmentId, Guid patientId, Guid surveyId, string timepoint, string? consensusClass)
    {
        if (timepoint == Timepoints.Baseline) return;
        var trajectory = await LoadTrajectoryAsync(session, enrollmentId);
        var finding = AlertRules.Evaluate(trajectory, timepoint, options.CurrentValue.Alerts);
        if (finding is null) return;
        await ApplyAsync(session, new AlertEvidence(enrollmentId, patientId, surveyId, timepoint, consensusClass, finding));
    }

    public async Task ApplyAsync(DbSession session, AlertEvidence evidence)
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
                await PublishRaisedAsync(session, id, evidence, finding.Rules, finding.Severity, finding.Summary, now, escalated: false);
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
        if (rose) await PublishRaisedAsync(session, active.Id, evidence, rules, severity, finding.Summary, now, escalated: false);
    }

    public static Task<AlertRecord?> FindUnresolvedAsync(DbSession session, Guid enrollmentId) =>
        session.QuerySingleOrDefaultAsync<AlertRecord>(
            $"SELECT {AlertRecord.Columns} FROM {AlertRecord.From} WHERE a.enrollment_id = @enrollmentId AND a.status <> 'resolved'",
            new { enrollmentId });

    public static async Task PublishRaisedAsync(DbSession session, Guid alertId, AlertEvidence evidence,
        IReadOnlyList<string> rules, string severity, string summary, DateTimeOffset at, bool escalated)
    {
        var mrnLast4 = await session.QuerySingleOrDefaultAsync<string?>(
            "SELECT mrn_last4 FROM enrollments WHERE id = @EnrollmentId", new { evidence.EnrollmentId });
        await session.PublishAsync(new PainAlertRaised(alertId, evidence.EnrollmentId, evidence.PatientId, evidence.SurveyId,
            [.. rules], severity, summary, at, mrnLast4, escalated));
    }

    /// <summary>The baseline (clinic, else surveyed) and the latest answers of each follow-up timepoint.</summary>
    public static async Task<Trajectory> LoadTrajectoryAsync(DbSession session, Guid enrollmentId)
    {
        var baseline = await session.QuerySingleOrDefaultAsync<int?>(
            "SELECT baseline_vas FROM enrollments WHERE id = @enrollmentId", new { enrollmentId });
        var surveys = (await session.QueryAsync<TimepointRow>("""
            SELECT timepoint AS Timepoint, vas AS Vas, analgesic_change AS AnalgesicChange, msts_total AS MstsTotal
            FROM surveys WHERE enrollment_id = @enrollmentId ORDER BY opened_at, id
            """, new { enrollmentId })).ToList();
        baseline ??= surveys.LastOrDefault(s => s.Timepoint == Timepoints.Baseline && s.Vas is not null)?.Vas;
        var followUps = surveys
            .Where(s => s.Timepoint != Timepoints.Baseline)
            .GroupBy(s => s.Timepoint)
            .Select(g => g.Last())
            .Select(s => new TimepointAnswers(s.Timepoint, s.Vas, s.AnalgesicChange, s.MstsTotal))
            .ToList();
        return new Trajectory(baseline, followUps);
    }

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

    private sealed record TimepointRow
    {
        public string Timepoint { get; init; } = "";
        public int? Vas { get; init; }
        public string? AnalgesicChange { get; init; }
        public int? MstsTotal { get; init; }
    }
}
