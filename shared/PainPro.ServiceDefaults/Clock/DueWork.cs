using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Clock;

/// <summary>
/// Work that becomes due as time passes (claiming due surveys, expiring windows, escalating alerts).
/// The database is the schedule; <see cref="DueWorkLoop"/> is the clock that runs this.
/// </summary>
public interface IDueWork
{
    string Name { get; }

    /// <summary>Does everything due at the clock's now; returns how many items it handled.</summary>
    Task<int> RunDueAsync(CancellationToken ct);
}

/// <summary>Runs every <see cref="IDueWork"/>: on a timer, and on demand after the dev clock moves.</summary>
public sealed class DueWorkRunner(IEnumerable<IDueWork> work, ILogger<DueWorkRunner> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Runs each piece of due work until it reports nothing left (bounded), one caller at a time.</summary>
    public async Task<int> RunAllAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var total = 0;
            foreach (var item in work)
            {
                for (var round = 0; round < 1000; round++)
                {
                    int handled;
                    try { handled = await item.RunDueAsync(ct); }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogError(ex, "Due work {Work} failed; it will run again on the next tick", item.Name);
                        break;
                    }
                    total += handled;
                    if (handled == 0) break;
                }
            }
            return total;
        }
        finally { gate.Release(); }
    }
}

internal sealed class DueWorkLoop(DueWorkRunner runner, IOptions<PainProOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DueWorkInterval);
        do
        {
            try { await runner.RunAllAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
