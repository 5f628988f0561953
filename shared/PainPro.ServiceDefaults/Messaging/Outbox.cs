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
        EnsureContract(type);
        // Goes to the database with the transaction's next statement, or its commit.
        return session.Write(
            "INSERT INTO outbox (id, message_type, body, created_at, traceparent) VALUES (@Id, @Type, @Body, @CreatedAt, @Traceparent)",
            new
            {
                // Version 7 ids sort by creation, so the relay publishes in order; the id is also the MessageId.
                Id = Guid.CreateVersion7(),
                Type = type.FullName,
                Body = JsonSerializer.Serialize(message, type, Json),
                CreatedAt = session.Clock.GetUtcNow(),
                // The relay publishes under this span, so the consumers' spans join the writer's trace.
                Traceparent = Telemetry.PainProActivity.CurrentTraceparent(),
            });
    }

    /// <summary>
    /// Writes <paramref name="messages"/> with one multi-row INSERT per <see cref="SqlDialect.RowsPerStatement"/> rows;
    /// their ids ascend in the order given. Returns how many were written.
    /// </summary>
    public static async Task<int> WriteAllAsync(DbSession session, IEnumerable<object> messages)
    {
        // Everything is checked before anything is written, so a bad message fails the whole call.
        var serialized = messages.Select((message, index) =>
        {
            if (message is null) throw new ArgumentException($"Message {index} is null.", nameof(messages));
            var type = message.GetType();
            EnsureContract(type);
            return (Type: type.FullName!, Body: JsonSerializer.Serialize(message, type, Json));
        }).ToList();

        // Guid.CreateVersion7 is random below the millisecond, so ids made within one are sorted to keep the given order.
        var ids = serialized.Select(_ => Guid.CreateVersion7()).Order().ToList();
        var rows = serialized.Select((m, i) => new OutboxRow(ids[i], m.Type, m.Body)).ToList();

        var createdAt = session.Clock.GetUtcNow();
        var traceparent = Telemetry.PainProActivity.CurrentTraceparent();
        foreach (var chunk in rows.Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = session.Dialect.Rows("messages", chunk,
                RowColumn.Of<OutboxRow, Guid>("id", m => m.Id),
                RowColumn.Of<OutboxRow, string>("message_type", m => m.Type),
                RowColumn.Of<OutboxRow, string>("body", m => m.Body));
            parameters.Add("createdAt", createdAt);
            parameters.Add("traceparent", traceparent);
            await session.ExecuteAsync(
                $"WITH {table} INSERT INTO outbox (id, message_type, body, created_at, traceparent) SELECT id, message_type, body, @createdAt, @traceparent FROM messages",
                parameters);
        }
        return rows.Count;
    }

    private static void EnsureContract(Type type)
    {
        if (type.Assembly != Contracts)
            throw new ArgumentException($"{type.FullName} is not a PainPro contract; only PainPro.Contracts messages travel.");
    }

    private sealed record OutboxRow(Guid Id, string Type, string Body);

    public static Type ResolveType(string name) =>
        Contracts.GetType(name) ?? throw new InvalidOperationException($"Outbox holds an unknown message type '{name}'.");
}

/// <summary>Duplicate detection for consumers: one row per (consumer, message id), written in the consumer's transaction.</summary>
internal static class Inbox
{
    public static async Task<bool> TryRecordAsync(DbSession session, string consumer, Guid messageId)
    {
        var inserted = await session.ExecuteAsync(session.Dialect.IsSqlServer
            // UPDLOCK, HOLDLOCK keeps two redeliveries from both finding the row missing; the second inserts nothing.
            ? "INSERT INTO inbox (consumer, message_id, consumed_at) SELECT @consumer, @messageId, @at WHERE NOT EXISTS (SELECT 1 FROM inbox WITH (UPDLOCK, HOLDLOCK) WHERE consumer = @consumer AND message_id = @messageId)"
            : "INSERT INTO inbox (consumer, message_id, consumed_at) VALUES (@consumer, @messageId, @at) ON CONFLICT DO NOTHING",
            new { consumer, messageId, at = session.Clock.GetUtcNow() });
        return inserted == 1;
    }

    /// <summary>
    /// Records every one of <paramref name="messageIds"/> for <paramref name="consumer"/> with one statement (per
    /// <see cref="SqlDialect.RowsPerStatement"/> ids) and returns those it had not handled before: only they may change anything.
    /// </summary>
    public static async Task<IReadOnlySet<Guid>> TryRecordAllAsync(DbSession session, string consumer, IEnumerable<Guid> messageIds)
    {
        var recorded = new HashSet<Guid>();
        // Distinct: SQL Server's insert would otherwise meet its own row twice.
        foreach (var chunk in messageIds.Distinct().Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = session.Dialect.Rows("received", chunk, RowColumn.Of<Guid, Guid>("message_id", id => id));
            parameters.Add("consumer", consumer);
            parameters.Add("at", session.Clock.GetUtcNow());
            recorded.UnionWith(await session.QueryAsync<Guid>(session.Dialect.IsSqlServer
                // UPDLOCK, HOLDLOCK as in TryRecordAsync: a concurrent redelivery waits, then finds the row.
                ? $"""
                  WITH {table}
                  INSERT INTO inbox (consumer, message_id, consumed_at) OUTPUT inserted.message_id
                  SELECT @consumer, r.message_id, @at FROM received AS r
                  WHERE NOT EXISTS (SELECT 1 FROM inbox WITH (UPDLOCK, HOLDLOCK) WHERE consumer = @consumer AND message_id = r.message_id)
                  """
                // "WHERE true": SQLite would otherwise read ON CONFLICT as part of the SELECT's join.
                : $"""
                  WITH {table}
                  INSERT INTO inbox (consumer, message_id, consumed_at) SELECT @consumer, message_id, @at FROM received WHERE true
                  ON CONFLICT DO NOTHING RETURNING message_id
                  """, parameters));
        }
        return recorded;
    }
}

/// <summary>Wakes the relay of a database right after a commit that wrote to its outbox.</summary>
public sealed class OutboxSignal(Telemetry.PainProMetrics? metrics = null)
{
    /// <summary>A transaction of <paramref name="database"/> committed <paramref name="messages"/> to its outbox: wake its relay, count them.</summary>
    internal void Committed(ServiceDatabase database, IReadOnlyList<object> messages)
    {
        Notify(database);
        metrics?.Committed(messages);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> signals = new();

    public void Notify(ServiceDatabase database)
    {
        var signal = For(database.Schema);
        if (signal.CurrentCount > 0) return;
        // Two commits can both see the count at 0; the second Release finds the relay already woken. Before this catch
        // that surfaced as a 500 after a committed reply (seen once in a run of 60,000 replies at 1,000/s).
        try { signal.Release(); }
        catch (SemaphoreFullException) { }
    }

    internal SemaphoreSlim For(string schema) => signals.GetOrAdd(schema, _ => new SemaphoreSlim(0, 1));
}
