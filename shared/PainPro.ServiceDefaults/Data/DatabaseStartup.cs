using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// The start-up work that needs the database — migrations, Hangfire's schema, the recurring jobs — in order. When the
/// database cannot be reached at start-up the host starts anyway: the work retries in the background, and until it is
/// done every connection a service opens fails as an outage (<see cref="DatabaseNotReadyException"/>), so readiness
/// fails naming the server, requests answer 503 with <c>Retry-After</c> and consumers retry, as in any outage, and
/// nothing reads a schema that is not migrated yet.
/// </summary>
public sealed class DatabaseStartup(IHostApplicationLifetime lifetime, ILogger<DatabaseStartup> logger)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(15);

    private readonly Lock gate = new();
    private readonly Queue<(string What, Func<CancellationToken, Task> Work)> pending = new();
    private volatile string? waiting;

    /// <summary>Why the databases are not usable yet (the server, never a password), or null once they are.</summary>
    public string? Waiting => waiting;

    /// <summary>
    /// Runs <paramref name="work"/> (a hosted service's start that needs the database) now, or after the start-up work
    /// before it when that is still retrying; <paramref name="server"/> is <see cref="DatabaseConnector.DescribeServer"/>.
    /// </summary>
    public async Task RunAsync(string what, string server, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        lock (gate)
        {
            if (waiting is not null)
            {
                pending.Enqueue((what, work));
                return;
            }
        }
        try
        {
            await work(ct);
        }
        catch (Exception ex) when (DatabaseOutage.IsOutage(ex) && !ct.IsCancellationRequested)
        {
            lock (gate)
            {
                waiting = Describe(what, server, ex);
                pending.Enqueue((what, work));
            }
            logger.LogWarning("{What} could not reach {Server} ({Error}); the service starts, answers 503 and retries in the background",
                what, server, ex.Message);
            _ = Task.Run(() => RetryAsync(server, lifetime.ApplicationStopping));
        }
    }

    private async Task RetryAsync(string server, CancellationToken stopping)
    {
        var delay = FirstRetry;
        var afterFailure = true;
        while (!stopping.IsCancellationRequested)
        {
            (string What, Func<CancellationToken, Task> Work) next;
            lock (gate)
            {
                if (!pending.TryPeek(out next))
                {
                    waiting = null;
                    logger.LogInformation("{Server} is reachable: the database start-up work is done and the service is ready", server);
                    return;
                }
            }
            try
            {
                if (afterFailure) await Task.Delay(delay, stopping);
                await next.Work(stopping);
                lock (gate) pending.Dequeue();
                delay = FirstRetry;
                afterFailure = false;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception ex) when (DatabaseOutage.IsOutage(ex))
            {
                waiting = Describe(next.What, server, ex);
                logger.LogDebug("{What} still cannot reach {Server}: {Error}", next.What, server, ex.Message);
                afterFailure = true;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
            }
            catch (Exception ex)
            {
                // Not an outage: a bug or a refused migration, which retrying will not cure. Say so and stop the host.
                waiting = Describe(next.What, server, ex);
                logger.LogCritical(ex, "{What} failed on {Server}; stopping", next.What, server);
                lifetime.StopApplication();
                return;
            }
        }
    }

    private static string Describe(string what, string server, Exception ex) =>
        $"{what} cannot reach {server} yet ({ex.Message}); retrying in the background";

    /// <summary>Throws while the start-up work is not done: the caller's request or message meets an outage.</summary>
    internal void ThrowIfWaiting()
    {
        if (waiting is { } why) throw new DatabaseNotReadyException(why);
    }
}

/// <summary>The database has not been reached since start-up (a kind of timeout, so <see cref="DatabaseOutage"/> counts it).</summary>
public sealed class DatabaseNotReadyException(string message) : TimeoutException(message);
