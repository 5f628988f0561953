using System.Text.Json;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>Messages written beside the state change that caused them, published by <see cref="OutboxRelay"/>.</summary>
internal static class Outbox
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly System.Reflection.Assembly Contracts = typeof(SurveyDue).Assembly;

    public static Task WriteAsync(DbSession session, object message, Type type)
    {
        if (type.Assembly != Contracts)
            throw new ArgumentException($"{type.FullName} is not a PainPro contract; only PainPro.Contracts messages travel.");
        return session.ExecuteAsync(
            "INSERT INTO outbox (id, message_type, body, created_at) VALUES (@Id, @Type, @Body, @CreatedAt)",
            new
            {
                // Version 7 ids sort by creation, so the relay publishes in order; the id is also the MessageId.
                Id = Guid.CreateVersion7(),
                Type = type.FullName,
                Body = JsonSerializer.Serialize(message, type, Json),
                CreatedAt = session.Clock.GetUtcNow(),
            });
    }

    public static Type ResolveType(string name) =>
        Contracts.GetType(name) ?? throw new InvalidOperationException($"Outbox holds an unknown message type '{name}'.");
}

/// <summary>Duplicate detection for consumers: one row per (consumer, message id), written in the consumer's transaction.</summary>
internal static class Inbox
{
    public static async Task<bool> TryRecordAsync(DbSession session, string consumer, Guid messageId)
    {
        var inserted = await session.ExecuteAsync(
            "INSERT INTO inbox (consumer, message_id, consumed_at) VALUES (@consumer, @messageId, @at) ON CONFLICT DO NOTHING",
            new { consumer, messageId, at = session.Clock.GetUtcNow() });
        return inserted == 1;
    }
}

/// <summary>Wakes the relay of a database right after a commit that wrote to its outbox.</summary>
public sealed class OutboxSignal
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> signals = new();

    public void Notify(ServiceDatabase database)
    {
        var signal = For(database.Schema);
        if (signal.CurrentCount == 0) signal.Release();
    }

    internal SemaphoreSlim For(string schema) => signals.GetOrAdd(schema, _ => new SemaphoreSlim(0, 1));
}
