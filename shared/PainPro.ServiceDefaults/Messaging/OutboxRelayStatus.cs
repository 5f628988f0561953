using System.Collections.Concurrent;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>What the outbox relay last managed, per schema: the health check and the bus watchdog read it, the relay writes it.</summary>
public sealed class OutboxRelayStatus(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new();

    public void Succeeded(string schema) => entries[schema] = new Entry(time.GetUtcNow(), 0, 0, null);

    public void Failed(string schema, Exception error)
    {
        var timedOut = error is TimeoutException ? 1 : 0;
        entries.AddOrUpdate(schema,
            _ => new Entry(null, 1, timedOut, error.Message),
            (_, e) => e with
            {
                ConsecutiveFailures = e.ConsecutiveFailures + 1,
                ConsecutiveTimeouts = timedOut == 1 ? e.ConsecutiveTimeouts + 1 : 0,
                LastError = error.Message,
            });
    }

    public IReadOnlyDictionary<string, Entry> Snapshot() => entries;

    /// <param name="ConsecutiveTimeouts">Batches in a row the broker took but never confirmed: the connection looks up, yet nothing moves.</param>
    public sealed record Entry(DateTimeOffset? LastSuccess, int ConsecutiveFailures, int ConsecutiveTimeouts, string? LastError);
}
