using System.ComponentModel;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>What one run of a piece of due work did: how many items it handled, or that another run had the turn.</summary>
public sealed record DueWorkRun(int Handled, bool Skipped);

/// <summary>
/// The one Hangfire job type behind every recurring job of PainPro: runs the <see cref="Clock.IDueWork"/> its recurring
/// job names until a round handles nothing (at most 1,000 rounds), in its turn. It lives in ServiceDefaults, which every
/// service loads, so any replica's scheduler can enqueue any service's recurring job; the queue sends it to that
/// service's workers.
/// </summary>
public sealed class DueWorkJob(IServiceProvider services, DueWorkCatalog catalog, DueWorkTurns turns, ILogger<DueWorkJob> logger)
{
    private const int MaxRounds = 1000;

    // No retries: the next occurrence is a second or a minute away. Deleted rather than failed, so a long outage does
    // not leave thousands of failed runs to clear by hand; the error is logged here.
    [AutomaticRetry(Attempts = 0, LogEvents = false, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [DisplayName("{0}")]
    [ShortHistory]
    public async Task<DueWorkRun> RunAsync(string recurringJobId, CancellationToken ct)
    {
        var registration = catalog.Find(recurringJobId)
            ?? throw new InvalidOperationException($"This host does not run the recurring job {recurringJobId}.");
        await using var turn = await turns.TryTakeAsync(registration.JobId, registration.Service, ct);
        if (turn is null) return new DueWorkRun(0, Skipped: true);

        var work = DueWorkCatalog.Resolve(services, registration);
        var handled = 0;
        try
        {
            for (var round = 0; round < MaxRounds; round++)
            {
                var done = await work.RunDueAsync(ct);
                handled += done;
                if (done == 0) break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Due work {Work} failed after {Handled} items; it runs again at its next occurrence", work.Name, handled);
            throw;
        }
        return new DueWorkRun(handled, Skipped: false);
    }
}

/// <summary>
/// Keeps the run history of recurring due work short: a run a second would otherwise keep 86,400 finished jobs a
/// day per job in storage. Long jobs (imports) keep Hangfire's day, so their callers can read the result.
/// </summary>
internal sealed class ShortHistoryAttribute : JobFilterAttribute, IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState.IsFinal) context.JobExpirationTimeout = TimeSpan.FromMinutes(10);
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction) { }
}
