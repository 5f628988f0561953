using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>How long published outbox rows and inbox records are kept (<c>PainPro:Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>
    /// Sent outbox rows are deleted this long after they were sent. A row holds the whole message — for
    /// <c>SurveyDue</c> the patient's given name, phone, email and link token — and is never read again once the
    /// broker confirmed it; a few days leave time to look into a delivery problem.
    /// </summary>
    public TimeSpan Outbox { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Inbox records (consumer, message id: no personal data) are deleted this long after the message was consumed.
    /// They must outlast every redelivery of that message: the broker's (seconds), the relay's re-publish after a lost
    /// confirm (<c>Bus:PublishTimeout</c>), and an operator moving messages back from an error queue (days).
    /// </summary>
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Rows deleted per statement: small batches keep locks short and never stall the relay or consumers.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How often (on the service clock) the purge looks for rows past their retention once it has caught up.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Null when the settings are usable, else what is wrong, naming the key.</summary>
    public string? Problem()
    {
        if (Outbox <= TimeSpan.Zero) return "PainPro:Retention:Outbox must be a positive duration such as 3.00:00:00.";
        if (Inbox < TimeSpan.FromDays(1))
            return "PainPro:Retention:Inbox must be at least one day (1.00:00:00): a message redelivered after its inbox record is gone would be handled twice.";
        if (BatchSize < 1) return "PainPro:Retention:BatchSize must be at least 1.";
        if (Interval <= TimeSpan.Zero) return "PainPro:Retention:Interval must be a positive duration.";
        return null;
    }
}

/// <summary>
/// Deletes sent outbox rows and inbox records past their retention, in small batches, from one service's database
/// (the recurring job <c>{service}:purge-outbox-and-inbox</c>, every minute). Each call deletes at most one batch per
/// table, and the job calls again until nothing is left; then it rests for <see cref="RetentionOptions.Interval"/>.
/// </summary>
/// <remarks>
/// Unsent outbox rows are never touched, whatever their age: they are the messages the relay still owes the broker.
/// Replicas may purge at the same time: on PostgreSQL each skips the rows another holds.
/// </remarks>
public sealed class OutboxRetention<TDb>(TDb db, IOptions<PainProOptions> options, ILogger<OutboxRetention<TDb>> logger) : IDueWork
    where TDb : ServiceDatabase
{
    private readonly RetentionOptions retention = options.Value.Retention;
    private DateTimeOffset nextPass = DateTimeOffset.MinValue;
    private int purgedThisPass;

    public string Name => $"{db.Schema}: purge outbox and inbox past retention";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = db.Clock.GetUtcNow();
        if (now < nextPass) return 0;

        var deleted = await PurgeOutboxAsync(now - retention.Outbox, ct);
        deleted += await PurgeInboxAsync(now - retention.Inbox, ct);

        purgedThisPass += deleted;
        if (deleted > 0) return deleted;
        if (purgedThisPass > 0)
            logger.LogInformation("Purged {Rows} outbox and inbox rows of {Database} past their retention (outbox {Outbox}, inbox {Inbox})",
                purgedThisPass, db.Schema, retention.Outbox, retention.Inbox);
        purgedThisPass = 0;
        nextPass = now + retention.Interval;
        return 0;
    }

    internal Task<int> PurgeOutboxAsync(DateTimeOffset sentBefore, CancellationToken ct) =>
        db.InTransactionAsync(session => session.ExecuteAsync(db.Dialect.IsSqlServer
            ? $"DELETE TOP (@batch) FROM outbox{db.Dialect.ClaimHint} WHERE sent_at IS NOT NULL AND sent_at < @sentBefore"
            : $"""
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE sent_at IS NOT NULL AND sent_at < @sentBefore
                LIMIT @batch{db.Dialect.ForUpdateSkipLocked})
            """, new { sentBefore, batch = retention.BatchSize }), ct);

    internal Task<int> PurgeInboxAsync(DateTimeOffset consumedBefore, CancellationToken ct) =>
        db.InTransactionAsync(session => session.ExecuteAsync(db.Dialect.IsSqlServer
            ? $"DELETE TOP (@batch) FROM inbox{db.Dialect.ClaimHint} WHERE consumed_at < @consumedBefore"
            : $"""
            DELETE FROM inbox WHERE (consumer, message_id) IN (
                SELECT consumer, message_id FROM inbox WHERE consumed_at < @consumedBefore
                LIMIT @batch{db.Dialect.ForUpdateSkipLocked})
            """, new { consumedBefore, batch = retention.BatchSize }), ct);
}
