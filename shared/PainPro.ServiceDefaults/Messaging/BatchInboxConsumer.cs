using MassTransit;
using Microsoft.Extensions.Logging;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>
/// A <c>Batch&lt;T&gt;</c> consumer's transaction: the whole batch commits once, so the database's work per message falls
/// with the batch's size.
/// </summary>
public static class BatchTransactions
{
    /// <summary>
    /// Applies <paramref name="messages"/> with <paramref name="apply"/> in one transaction. When that fails for a reason
    /// of the messages (not the database being away, which every message would meet), they are applied again one per
    /// transaction, so one bad message does not hold back the good ones; if any still fails the batch fails, and
    /// MassTransit retries its messages one at a time — <paramref name="apply"/> must be idempotent, as an inbox makes it.
    /// </summary>
    public static async Task ApplyAsync<T>(ServiceDatabase db, IReadOnlyList<T> messages, Func<IReadOnlyList<T>, DbSession, Task> apply,
        ILogger logger, CancellationToken ct)
    {
        try
        {
            await db.InTransactionAsync(session => apply(messages, session), ct);
            return;
        }
        catch (Exception ex) when (messages.Count > 1 && ex is not OperationCanceledException && !DatabaseOutage.IsOutage(ex))
        {
            logger.LogWarning(ex, "A batch of {Count} {MessageType} messages failed; applying them one by one", messages.Count, typeof(T).Name);
        }

        List<Exception>? failures = null;
        foreach (var message in messages)
        {
            try
            {
                await db.InTransactionAsync(session => apply([message], session), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (failures ??= []).Add(ex);
                // The database went away meanwhile: the rest would only wait for it too.
                if (DatabaseOutage.IsOutage(ex)) break;
            }
        }
        if (failures is not null)
            throw new AggregateException($"{failures.Count} of a batch of {messages.Count} {typeof(T).Name} messages failed on their own", failures);
    }
}

/// <summary>
/// The batch form of <see cref="InboxConsumer{TMessage}"/>: one transaction records every MessageId of the batch in the
/// inbox with one statement and handles only the messages new to it, in the batch's order. A redelivered message is a
/// no-op, whether it comes in a later batch or twice in one. Its inbox rows carry the consumer's class name, as
/// <see cref="InboxConsumer{TMessage}"/>'s do, so a consumer moved from one to the other keeps its history.
/// </summary>
public abstract class BatchInboxConsumer<TMessage>(ServiceDatabase db, ILogger logger) : IConsumer<Batch<TMessage>> where TMessage : class
{
    public Task Consume(ConsumeContext<Batch<TMessage>> context)
    {
        var received = context.Message
            .Select(m => (MessageId: m.MessageId
                ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be de-duplicated."), m.Message))
            .ToList();
        var consumer = GetType().Name;
        return BatchTransactions.ApplyAsync(db, received, async (batch, session) =>
        {
            var fresh = await Inbox.TryRecordAllAsync(session, consumer, batch.Select(r => r.MessageId));
            var handled = new HashSet<Guid>();
            foreach (var (messageId, message) in batch)
                if (fresh.Contains(messageId) && handled.Add(messageId))
                    await HandleAsync(message, session, context.CancellationToken);
        }, logger, context.CancellationToken);
    }

    protected abstract Task HandleAsync(TMessage message, DbSession session, CancellationToken ct);
}
