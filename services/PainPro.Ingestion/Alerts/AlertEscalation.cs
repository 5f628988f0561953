using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Clock;

namespace PainPro.Ingestion.Alerts;

/// <summary>
/// High alerts still unacknowledged past <see cref="AlertThresholds.EscalateAfter"/> (counted from when the
/// alert became high) are flagged escalated and announced once more with <c>Escalated = true</c>, so
/// Messaging notifies the care team again. Each alert escalates once.
/// </summary>
public sealed class AlertEscalation(IngestionDb db, IOptionsMonitor<IngestionOptions> options, ILogger<AlertEscalation> logger) : IDueWork
{
    private const int BatchSize = 50;

    public string Name => "ingestion-alert-escalation";

    public Task<int> RunDueAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var cutoff = now - options.CurrentValue.Alerts.EscalateAfter;
        var due = (await session.QueryAsync<AlertRecord>($"""
            SELECT {AlertRecord.Columns} FROM {AlertRecord.From}
            WHERE a.id IN (SELECT id FROM alerts{session.Dialect.ClaimHint}
                           WHERE status = 'open' AND severity = 'high' AND escalated_at IS NULL AND high_since <= @cutoff
                           ORDER BY high_since {session.Dialect.Limit("@limit")}{session.Dialect.ForUpdateSkipLocked})
            """, new { cutoff, limit = BatchSize })).ToList();

        foreach (var alert in due)
        {
            await session.ExecuteAsync("UPDATE alerts SET escalated_at = @now, updated_at = @now WHERE id = @Id", new { now, alert.Id });
            await AlertHistory.RecordAsync(session, new AlertEvent
            {
                AlertId = alert.Id, At = now, Action = AlertActions.Escalated, SurveyId = alert.SurveyId,
                Severity = alert.Severity, Rules = alert.RuleList, Summary = alert.Summary,
            });
            await AlertBook.PublishRaisedAsync(session, alert.Id,
                new AlertEvidence(alert.EnrollmentId, alert.PatientId, alert.SurveyId, alert.Timepoint, alert.ConsensusClass,
                    new AlertFinding(alert.Rules, alert.Severity, alert.Summary)),
                alert.Rules, alert.Severity, alert.Summary, now, escalated: true, alert.MrnLast4);
            logger.LogInformation("Escalated alert {AlertId}: high and unacknowledged since {HighSince}", alert.Id, alert.HighSince);
        }
        return due.Count;
    }, ct);
}
