using System.Text.Json;
using Dapper;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Scheduling.Tests.Support;
using PainPro.ServiceDefaults.Jobs;
using PainPro.Testing;
using Xunit;
using Xunit.Abstractions;

namespace PainPro.Scheduling.Tests.Dispatch;

/// <summary>
/// The claim as a Hangfire recurring job on two Scheduling replicas sharing one PostgreSQL (and so one Hangfire
/// storage): both replicas run it — on its one-second schedule and when told to run now — and no survey is sent twice.
/// </summary>
public class ClaimJobReplicaTests(ITestOutputHelper output)
{
    private const int Surveys = 6_000;
    private const string ClaimJob = "scheduling:claim-due-surveys";

    [Fact]
    public async Task The_claim_job_on_two_Scheduling_replicas_claims_each_due_survey_once_and_both_replicas_take_a_share()
    {
        await using var postgres = await PostgresDatabase.CreateAsync();
        await using var first = await StartReplicaAsync(postgres, "scheduling-1");
        await using var second = await StartReplicaAsync(postgres, "scheduling-2");
        var db = first.Services.GetRequiredService<SchedulingDb>();

        // Due in twelve bursts of 500, a second apart: a run drains what is due when it runs, so each burst is
        // claimed by whichever replica's worker takes the next run, and some are always left for later runs. Seeded an
        // hour ahead and then moved to start a second from now, so a slow seed cannot make every burst due at once.
        var seeded = DateTimeOffset.UtcNow.AddHours(1);
        await DueSurveySeed.SeedAsync(db, seeded, Surveys, i => seeded.AddSeconds(i / 500));
        var shift = DateTimeOffset.UtcNow.AddSeconds(1) - seeded;
        await db.InTransactionAsync(s => s.ExecuteAsync(
            "UPDATE surveys SET due_at = due_at + @shift, send_at = send_at + @shift, next_send_at = next_send_at + @shift",
            new { shift }));

        // Besides the schedule, each replica keeps asking for a run now, as the dev clock does: the two collide.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (await UnclaimedAsync(db) > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"{await UnclaimedAsync(db)} surveys still unclaimed after 90 s");
            await Task.WhenAll(RunNowAsync(first), RunNowAsync(second));
        }

        var perSurvey = (await db.ReadAsync(c => c.QueryAsync<long>(
            """
            SELECT COUNT(*) FROM outbox WHERE message_type = 'PainPro.Contracts.SurveyDue'
            GROUP BY body::json->>'surveyId'
            """))).ToList();
        Assert.Equal(Surveys, perSurvey.Count);
        Assert.All(perSurvey, count => Assert.Equal(1, count));

        var byServer = ClaimsByServer(first.Services.GetRequiredService<JobStorage>());
        foreach (var (server, handled) in byServer) output.WriteLine($"{server}: {handled} surveys claimed");
        Assert.Equal(Surveys, byServer.Values.Sum());
        Assert.True(byServer.Count(s => s.Value > 0) >= 2, "both replicas' Hangfire servers claimed surveys");
    }

    private static Task RunNowAsync(PainProTestHost host) => host.Services.GetRequiredService<DueJobs>().RunAllNowAsync(CancellationToken.None);

    private static Task<int> UnclaimedAsync(SchedulingDb db) =>
        db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM surveys WHERE status = 'scheduled'"));

    /// <summary>Surveys each Hangfire server's runs of the claim job handled, from the runs' recorded results.</summary>
    private static Dictionary<string, int> ClaimsByServer(JobStorage storage)
    {
        var monitoring = storage.GetMonitoringApi();
        var totals = new Dictionary<string, int>();
        foreach (var (jobId, _) in monitoring.SucceededJobs(0, int.MaxValue))
        {
            var details = monitoring.JobDetails(jobId);
            if (details.Job?.Args is not [string recurring, ..] || recurring != ClaimJob) continue;
            var succeeded = details.History.First(h => h.StateName == SucceededState.StateName);
            var run = JsonSerializer.Deserialize<DueWorkRun>(succeeded.Data["Result"], new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
            if (run.Skipped) continue;
            var server = details.History.First(h => h.StateName == ProcessingState.StateName).Data["ServerId"];
            totals[server] = totals.GetValueOrDefault(server) + run.Handled;
        }
        return totals;
    }

    private static Task<PainProTestHost> StartReplicaAsync(PostgresDatabase postgres, string name)
    {
        var configuration = PainProTestHost.Configuration.Embedded(Path.Combine(Path.GetTempPath(), "painpro-replicas", Guid.NewGuid().ToString("N")), simulatedClock: false);
        configuration["PainPro:Database:Provider"] = "postgres";
        configuration["PainPro:Database:ConnectionString"] = postgres.ConnectionString;
        return PainProTestHost.StartAsync(name, configuration, b => b.AddScheduling(), a => a.MapScheduling(),
            applicationName: typeof(SchedulingDb).Assembly.GetName().Name);
    }
}
