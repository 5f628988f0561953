using MassTransit;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>
/// A consumer whose effect and its inbox record commit together: a redelivered message is a no-op.
/// Whatever it publishes goes through the same transaction's outbox.
/// </summary>
public abstract class InboxConsumer<TMessage>(ServiceDatabase db) : IConsumer<TMessage> where TMessage : class
{
    public Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be de-duplicated.");
        return db.InTransactionAsync(async session =>
        {
            if (!await session.TryRecordInboxAsync(GetType().Name, messageId)) return;
            await HandleAsync(context.Message, session, context.CancellationToken);
        }, context.CancellationToken);
    }

    protected abstract Task HandleAsync(TMessage message, DbSession session, CancellationToken ct);
}
