using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Clock;

using PainPro.ServiceDefaults.Data;
namespace PainPro.Scheduling.Dispatch;

/// <summary>
/// Closes windows: an open survey whose window has closed without an answer becomes <c>expired</c> and
/// <see cref="SurveyExpired"/> is published with it (Ingestion raises the no-response alert). Claimed like the
/// dispatcher's batches, so replicas never expire the same survey twice.
/// </summary>
public sealed class SurveyExpiry(SchedulingDb db, IOptions<SchedulingOptions> options, ILogger<SurveyExpiry> logger) : IDueWork
{
    public string Name => "scheduling: expire closed surveys";

    // Status literals (not parameters) so PostgreSQL can use the partial index surveys_open_until.
    private string ClaimSql =>
        $"""
        WITH expiring AS (
            SELECT id FROM surveys{db.Dialect.ClaimHint}
            WHERE status IN {SqlDialect.Literals(SurveyStatuses.Open)} AND closes_at <= @now
            ORDER BY closes_at
            {db.Dialect.Limit("@batch")}{db.Dialect.ForUpdateSkipLocked}
        )
        SELECT s.id AS SurveyId, s.enrollment_id AS EnrollmentId, s.timepoint AS Timepoint
        FROM expiring x JOIN surveys s ON s.id = x.id
        """;

    public Task<int> RunDueAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var closed = (await session.QueryAsync<ClosedSurvey>(ClaimSql, new { now, batch = options.Value.ClaimBatchSize })).ToList();
        if (closed.Count == 0) return 0;

        // Two statements for the whole batch: the status change and the messages.
        await session.ExecuteAsync(
            $"UPDATE surveys SET status = @expired, expired_at = @now, next_send_at = NULL WHERE {session.Dialect.InGuids("id", closed.Select(s => s.SurveyId))}",
            new { expired = SurveyStatuses.Expired, now });
        await session.PublishAllAsync(closed.Select(s => new SurveyExpired(s.SurveyId, s.EnrollmentId, s.Timepoint)));
        logger.LogInformation("Expired {Count} surveys whose window closed unanswered", closed.Count);
        return closed.Count;
    }, ct);

    private sealed class ClosedSurvey
    {
        public Guid SurveyId { get; init; }
        public Guid EnrollmentId { get; init; }
        public string Timepoint { get; init; } = "";
    }
}
