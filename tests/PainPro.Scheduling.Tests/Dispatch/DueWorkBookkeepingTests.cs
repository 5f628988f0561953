using Dapper;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Scheduling.Tests.Support;
using PainPro.ServiceDefaults.Jobs;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Dispatch;

/// <summary>
/// What a run of due work costs in Hangfire's tables beyond the job itself: no culture parameters (no job reads one)
/// and no per-day or per-hour statistics rows — each piece of due work runs every second, so each row saved is
/// 86,400 writes a day — while the Dashboard's totals are still counted.
/// </summary>
public class DueWorkBookkeepingTests
{
    [Fact]
    public async Task Due_work_runs_on_postgres_write_no_culture_parameters_and_no_history_counters_but_still_count_successes()
    {
        await using var host = await SchedulingHost.StartAsync(TestDatabase.Postgres);
        var jobs = host.Host.Services.GetRequiredService<DueJobs>();
        var recurring = host.Host.Services.GetRequiredService<DueWorkCatalog>().All.Count;

        await jobs.RunAllNowAsync(CancellationToken.None);
        await jobs.RunAllNowAsync(CancellationToken.None);

        var runs = await CountAsync(host, "hangfire.jobparameter WHERE name = 'RecurringJobId'");
        Assert.True(runs >= 2 * recurring, $"{runs} recorded runs of {recurring} recurring jobs, each run twice");
        Assert.Equal(0, await CountAsync(host, "hangfire.jobparameter WHERE name IN ('CurrentCulture', 'CurrentUICulture')"));
        Assert.Equal(0, await CountAsync(host,
            "(SELECT key FROM hangfire.counter UNION ALL SELECT key FROM hangfire.aggregatedcounter) c WHERE key LIKE 'stats:succeeded:%'"));
        Assert.True(await host.Db.ReadAsync(c => c.ExecuteScalarAsync<long>(
            """
            SELECT COALESCE(SUM(value), 0) FROM (SELECT key, value FROM hangfire.counter UNION ALL SELECT key, value FROM hangfire.aggregatedcounter) c
            WHERE key = 'stats:succeeded'
            """)) >= 2 * recurring, "the Dashboard's succeeded total counts every run");
    }

    [Fact]
    public async Task By_default_the_claim_runs_every_second_expiry_every_15_seconds_and_the_purges_every_minute()
    {
        // The defaults, not the test suite's one-second sweeps: what a deployment gets.
        var defaults = new PainPro.ServiceDefaults.PainProOptions();
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15)), (defaults.DueWorkInterval, defaults.SweepInterval));
        await using var host = await SchedulingHost.StartAsync(TestDatabase.Postgres, new Dictionary<string, string?>
        {
            ["PainPro:DueWorkInterval"] = defaults.DueWorkInterval.ToString(),
            ["PainPro:SweepInterval"] = defaults.SweepInterval.ToString(),
        });
        using var connection = host.Host.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        var cron = connection.GetRecurringJobs().ToDictionary(j => j.Id, j => j.Cron);

        Assert.Equal("*/1 * * * * *", cron["scheduling:claim-due-surveys"]);
        Assert.Equal("*/15 * * * * *", cron["scheduling:expire-closed-surveys"]);
        Assert.Equal(JobSchedules.EveryMinute, cron["scheduling:purge-outbox-and-inbox"]);
    }

    private static Task<long> CountAsync(SchedulingHost host, string fromWhere) =>
        host.Db.ReadAsync(c => c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {fromWhere}"));
}
