using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PainPro.Messaging.Senders;

/// <summary>
/// Sends started by due work and run in the background, a bounded number at a time (<c>Delivery:DeferredSendConcurrency</c>).
/// A due-work pass only picks as many deferred sends as there are free slots and returns at once, so a long backlog
/// sent at the provider's rate never holds up the other due work; each send still waits for its rate-limit turn.
/// </summary>
public sealed class BackgroundSends(int capacity, CancellationToken stopping, ILogger<BackgroundSends> logger)
{
    private readonly SemaphoreSlim slots = new(capacity, capacity);
    private int running;

    public int Free => slots.CurrentCount;

    /// <summary>Starts <paramref name="send"/> if a slot is free; false when all are busy.</summary>
    public bool TryStart(string what, Func<CancellationToken, Task> send)
    {
        if (!slots.Wait(0)) return false;
        Interlocked.Increment(ref running);
        _ = Task.Run(async () =>
        {
            try { await send(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
            catch (Exception ex) { logger.LogError(ex, "A deferred send ({What}) failed; it will be picked up again", what); }
            finally
            {
                Interlocked.Decrement(ref running);
                slots.Release();
            }
        }, CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Starts <paramref name="send"/> for each picked row, each in its own scope, while slots are free; returns how many
    /// started. A row not started keeps the lease its pick gave it, and a later pass picks it again.
    /// </summary>
    public int StartEach<TSender>(IEnumerable<Guid> ids, IServiceScopeFactory scopes, Func<TSender, Guid, CancellationToken, Task> send)
        where TSender : notnull
    {
        var started = 0;
        foreach (var id in ids)
        {
            if (!TryStart($"{typeof(TSender).Name} {id}", async token =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await send(scope.ServiceProvider.GetRequiredService<TSender>(), id, token);
                }))
                break;
            started++;
        }
        return started;
    }

    /// <summary>Waits until no send started here is running (tests, and anyone who must see the sends' outcomes).</summary>
    public async Task IdleAsync(CancellationToken ct = default)
    {
        while (Volatile.Read(ref running) > 0) await Task.Delay(10, ct);
    }
}
