using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Data;
using System.Diagnostics;
using System.Text.Json;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>
/// Publishes each service database's outbox: right after a commit, and every few seconds in case a
/// notification was missed or the broker was down. A row is marked sent only after the broker confirmed it;
/// a crash in between publishes it again with the same MessageId, and consumers' inboxes drop the repeat.
/// </summary>
internal sealed class OutboxRelay(
    IEnumerable<ServiceDatabase> databases,
    IBus bus,
    OutboxSignal signal,
    OutboxRelayStatus status,
    IOptions<PainProOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(2);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(databases.Select(db => RelayAsync(db, stoppingToken)));

    private async Task RelayAsync(ServiceDatabase db, CancellationToken ct)
    {
        await Task.Yield();
        var wake = signal.For(db.Schema);
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var published = await PublishBatchAsync(db, ct);
                if (failures > 0) logger.LogInformation("Outbox relay for {Schema} is publishing again after {Failures} failed attempts", db.Schema, failures);
                failures = 0;
                status.Succeeded(db.Schema);
                if (published == options.Value.Database.OutboxBatchSize) continue;
                await wake.WaitAsync(IdlePoll, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                failures++;
                status.Failed(db.Schema, ex);
                var backoff = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 6))));
                logger.LogWarning(ex, "Outbox relay for {Schema} could not publish (attempt {Failures}); retrying in {Backoff}",
                    db.Schema, failures, backoff);
                try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// Publishes one batch and returns how many went out. Within a batch messages are published concurrently,
    /// so consumers must not rely on their order (they live on different queues anyway).
    /// </summary>
    internal Task<int> PublishBatchAsync(ServiceDatabase db, CancellationToken ct) =>
        db.Dialect.SupportsConcurrentWriters ? PublishLockedBatchAsync(db, ct) : PublishSingleWriterBatchAsync(db, ct);

    /// <summary>PostgreSQL: the claimed rows stay locked while they are published, so replicas never publish the same rows at once.</summary>
    private async Task<int> PublishLockedBatchAsync(ServiceDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var rows = await ReadUnsentAsync(db, connection, transaction);
        if (rows.Count == 0) return 0;
        await PublishAsync(rows, ct);
        await MarkSentAsync(db, connection, transaction, rows);
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    /// <summary>
    /// SQLite: one relay per file (one process), so no row lock is needed; reading outside a transaction keeps the
    /// single write lock free for intake and the claim loop while the broker confirms.
    /// </summary>
    private async Task<int> PublishSingleWriterBatchAsync(ServiceDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await ReadUnsentAsync(db, connection, transaction: null);
        if (rows.Count == 0) return 0;
        await PublishAsync(rows, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await MarkSentAsync(db, connection, transaction, rows);
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    private async Task<List<OutboxRow>> ReadUnsentAsync(ServiceDatabase db, System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction) =>
        (await connection.QueryAsync<OutboxRow>(
            db.Dialect.IsSqlServer
                // uniqueidentifier does not sort UUIDv7 by time on SQL Server: the identity column keeps the order.
                ? $"SELECT id AS Id, message_type AS MessageType, body AS Body, traceparent AS Traceparent FROM outbox{db.Dialect.ClaimHint} WHERE sent_at IS NULL ORDER BY seq {db.Dialect.Limit("@limit")}"
                : $"SELECT id AS Id, message_type AS MessageType, body AS Body, traceparent AS Traceparent FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT @limit{db.Dialect.ForUpdateSkipLocked}",
            new { limit = options.Value.Database.OutboxBatchSize }, transaction)).AsList();

    /// <summary>
    /// Publishes the rows and waits for the broker's confirms, but not forever: a confirm lost when the broker went
    /// away can leave a publish pending after the connection has recovered. Past the timeout the batch is abandoned
    /// (its rows stay unsent, their locks are released) and published again with the same MessageIds.
    /// </summary>
    private async Task PublishAsync(List<OutboxRow> rows, CancellationToken ct)
    {
        var timeout = options.Value.Bus.PublishTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var publishes = Task.WhenAll(rows.Select(row => PublishOneAsync(row, deadline.Token)));
        try
        {
            await publishes.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Publishes that never return must not surface later as unobserved task exceptions.
            _ = publishes.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw new TimeoutException(
                $"The broker did not confirm {rows.Count} messages within {timeout.TotalSeconds:0} s; they stay in the outbox and are published again");
        }
    }

    /// <summary>
    /// Publishes one row under the trace of the transaction that wrote it (a span of its own when it had none), so
    /// MassTransit's publish span, and through the message headers its consumers' spans, join that trace.
    /// </summary>
    private async Task PublishOneAsync(OutboxRow row, CancellationToken ct)
    {
        var type = Outbox.ResolveType(row.MessageType);
        var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
        // An async method: the span is current only inside it, never for the rows published beside it.
        using var activity = PainProActivity.Platform.StartActivity($"outbox relay {type.Name}", ActivityKind.Internal,
            PainProActivity.Parse(row.Traceparent) ?? default);
        activity?.SetTag(PainProActivity.Tags.MessageType, type.Name);
        await bus.Publish(message, type, context => context.MessageId = row.Id, ct);
    }

    private async Task MarkSentAsync(ServiceDatabase db, System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, List<OutboxRow> rows)
    {
        await connection.ExecuteAsync($"UPDATE outbox SET sent_at = @now WHERE {db.Dialect.InGuids("id", rows.Select(r => r.Id))}",
            new { now = db.Clock.GetUtcNow() }, transaction);
        logger.LogDebug("Relayed {Count} messages from {Schema}", rows.Count, db.Schema);
    }

    private sealed record OutboxRow(Guid Id, string MessageType, string Body, string? Traceparent);
}
