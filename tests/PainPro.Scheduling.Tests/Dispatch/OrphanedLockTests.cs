using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Dispatch;

/// <summary>
/// Hangfire's PostgreSQL locks are rows. A database restart (or a killed replica) can cut the connection of the
/// replica holding the recurring-job scheduler's lock before it deletes the row; the clocks must not stop for
/// Hangfire's default ten minutes.
/// </summary>
public class OrphanedLockTests
{
    [Fact]
    public async Task Due_surveys_are_claimed_on_schedule_soon_after_the_scheduler_lock_is_orphaned_by_a_lost_connection()
    {
        await using var postgres = await PostgresDatabase.CreateAsync();
        var configuration = PainProTestHost.Configuration.Embedded(Path.Combine(Path.GetTempPath(), "painpro-orphaned-lock", Guid.NewGuid().ToString("N")), simulatedClock: false);
        configuration["PainPro:Database:Provider"] = "postgres";
        configuration["PainPro:Database:ConnectionString"] = postgres.ConnectionString;
        await using var host = await PainProTestHost.StartAsync("scheduling", configuration, b => b.AddScheduling(), a => a.MapScheduling(),
            applicationName: typeof(SchedulingDb).Assembly.GetName().Name);
        var db = host.Services.GetRequiredService<SchedulingDb>();

        // Take the scheduler's lock as a replica would, then lose the connection without releasing it.
        using (var connection = host.Services.GetRequiredService<JobStorage>().GetConnection())
            _ = connection.AcquireDistributedLock("recurring-jobs:lock", TimeSpan.FromSeconds(30));
        Assert.Equal(1, await db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM hangfire.lock WHERE resource LIKE '%recurring-jobs:lock'")));

        await DueSurveySeed.SeedAsync(db, DateTimeOffset.UtcNow, 1, _ => DateTimeOffset.UtcNow);

        // Only the recurring job's own schedule can claim it (nobody asks for a run now).
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (await db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM surveys WHERE status = 'scheduled'")) > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the due survey was still unclaimed 90 s after the scheduler's lock was orphaned");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal(1, await db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox WHERE message_type = 'PainPro.Contracts.SurveyDue'")));
    }
}
