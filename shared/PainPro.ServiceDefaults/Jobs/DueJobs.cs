using System.Text.Json;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>
/// This host's recurring jobs: declared to Hangfire at start-up (and the ones its services no longer have removed),
/// and run at once, in order, when the dev clock moves (<see cref="RunAllNowAsync"/>).
/// </summary>
public sealed class DueJobs(
    DueWorkCatalog catalog,
    DueWorkTurns turns,
    IRecurringJobManagerV2 recurringJobs,
    JobStorage storage,
    IOptions<PainProOptions> options,
    Data.DatabaseStartup startup,
    Data.DatabaseConnector connector,
    ILogger<DueJobs> logger) : IHostedService
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public Task StartAsync(CancellationToken cancellationToken) =>
        startup.RunAsync("Declaring the recurring jobs", connector.DescribeServer(), _ => { Declare(); return Task.CompletedTask; }, cancellationToken);

    private void Declare()
    {
        var interval = options.Value.DueWorkInterval;
        foreach (var work in catalog.All)
        {
            var cron = interval == TimeSpan.Zero ? Cron.Never() : work.Cron ?? JobSchedules.EveryInterval(options.Value.PeriodOf(work.Pace));
            recurringJobs.AddOrUpdate<DueWorkJob>(work.JobId, work.Queue, job => job.RunAsync(work.JobId, CancellationToken.None),
                cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }

        // A renamed or removed piece of due work must not stay scheduled for workers that no longer know it.
        var ours = catalog.All.Select(w => w.JobId).ToHashSet();
        var queues = catalog.All.Select(w => w.Queue).ToHashSet();
        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Where(j => j.Queue is not null && queues.Contains(j.Queue) && !ours.Contains(j.Id)))
        {
            logger.LogInformation("Removing the recurring job {Job}: no service here defines it any more", stale.Id);
            recurringJobs.RemoveIfExists(stale.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Triggers every recurring job of this host, one after the other in registration order (expiry before the claim,
    /// as the loop ran them), and returns when each has finished, with how many items they handled. A run that finds
    /// an earlier one still going (it may have read the clock before it moved) waits for that one to finish and is
    /// triggered again — once, not every few milliseconds: each trigger is a Hangfire job and its bookkeeping.
    /// One caller at a time.
    /// </summary>
    public async Task<int> RunAllNowAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var total = 0;
            foreach (var work in catalog.All) total += await RunNowAsync(work, ct);
            return total;
        }
        finally { gate.Release(); }
    }

    private async Task<int> RunNowAsync(DueWorkRegistration work, CancellationToken ct)
    {
        // A run that never finishes (no worker for the queue, a stuck job) fails the caller instead of holding it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(RunNowTimeout);
        try
        {
            while (true)
            {
                var jobId = recurringJobs.TriggerJob(work.JobId)
                    ?? throw new InvalidOperationException($"The recurring job {work.JobId} is not declared.");
                var run = await WaitForAsync(jobId, deadline.Token);
                if (run is not { Skipped: true }) return run?.Handled ?? 0;
                await turns.WaitUntilFreeAsync(work.JobId, work.Service, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The recurring job {work.JobId} did not finish a run within {RunNowTimeout}: is a Hangfire server of its queue '{work.Queue}' running?");
        }
    }

    private static readonly TimeSpan RunNowTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Polls the job's state until it is final; null when it failed (the job logged why).</summary>
    private async Task<DueWorkRun?> WaitForAsync(string jobId, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            using (var connection = storage.GetConnection())
            {
                var state = connection.GetStateData(jobId);
                if (state?.Name == SucceededState.StateName)
                    return state.Data.TryGetValue("Result", out var result) && result is not null
                        ? JsonSerializer.Deserialize<DueWorkRun>(result, ResultJson)
                        : null;
                if (state?.Name == FailedState.StateName || state?.Name == DeletedState.StateName) return null;
            }
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 50));
        }
    }

    private static readonly JsonSerializerOptions ResultJson = new() { PropertyNameCaseInsensitive = true };
}

/// <summary>Turns <c>PainPro:DueWorkInterval</c> into a Hangfire cron expression (six fields: seconds first).</summary>
public static class JobSchedules
{
    public const string EveryMinute = "0 * * * * *";

    public static string EveryInterval(TimeSpan interval) => TryEveryInterval(interval, out var cron, out var problem)
        ? cron
        : throw new InvalidOperationException(problem);

    public static bool TryEveryInterval(TimeSpan interval, out string cron, out string problem)
    {
        cron = "";
        problem = "";
        var seconds = interval.TotalSeconds;
        if (seconds >= 1 && seconds < 60 && seconds == Math.Floor(seconds) && 60 % seconds == 0)
            cron = $"*/{seconds:0} * * * * *";
        else if (interval.TotalMinutes is var minutes and >= 1 and < 60 && minutes == Math.Floor(minutes) && 60 % minutes == 0)
            cron = $"0 */{minutes:0} * * * *";
        else if (interval.TotalHours is var hours and >= 1 and <= 24 && hours == Math.Floor(hours) && 24 % hours == 0)
            cron = $"0 0 */{hours:0} * * *";
        else
            problem = $"PainPro:DueWorkInterval '{interval}' must divide a minute, an hour or a day evenly (1 s to 1 day), e.g. 00:00:01, 00:00:15, 00:05:00.";
        return cron.Length > 0;
    }
}
