using System.Diagnostics;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Scheduling.Dispatch;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;
using Xunit;
using Xunit.Abstractions;

namespace PainPro.Scheduling.Tests.Dispatch;

/// <summary>
/// Done-when 2: several dispatchers (each its own connection pool, as separate replicas would have) against one
/// PostgreSQL publish each due survey exactly once. Timings are printed, never asserted.
/// </summary>
public class ClaimLoopScaleOutTests(ITestOutputHelper output)
{
    private const int DueSurveys = 20_000;

    [Fact]
    public async Task Three_dispatchers_on_one_PostgreSQL_publish_each_of_20000_due_surveys_exactly_once()
    {
        var one = await RunAsync(replicas: 1);
        var three = await RunAsync(replicas: 3);

        output.WriteLine($"{DueSurveys:N0} due surveys: 1 dispatcher {one.TotalSeconds:F2} s, 3 dispatchers {three.TotalSeconds:F2} s ({one / three:F2}x)");
    }

    private async Task<TimeSpan> RunAsync(int replicas)
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero));
        await using var test = await TestDatabase.CreateAsync<SchedulingDb>(TestDatabase.Postgres, clock);
        await DueSurveySeed.SeedAsync(test.Db, clock.Now, DueSurveys, _ => clock.Now.AddHours(-1));
        var connectionString = test.Services.GetRequiredService<IOptions<PainProOptions>>().Value.Database.ConnectionString!;

        var dispatchers = Enumerable.Range(0, replicas).Select(_ => Replica(connectionString, clock)).ToList();
        var elapsed = Stopwatch.StartNew();
        var claimed = await Task.WhenAll(dispatchers.Select(d => Task.Run(async () =>
        {
            var total = 0;
            for (int handled; (handled = await d.Dispatcher.RunDueAsync(CancellationToken.None)) > 0;) total += handled;
            return total;
        })));
        elapsed.Stop();
        foreach (var d in dispatchers) await d.Connector.DisposeAsync();
        output.WriteLine($"{replicas} dispatcher(s): claimed {string.Join(" + ", claimed)} in {elapsed.Elapsed.TotalSeconds:F2} s");

        var perSurvey = (await test.Db.ReadAsync(c => c.QueryAsync<(string SurveyId, long Count)>(
            """
            SELECT body::json->>'surveyId', COUNT(*) FROM outbox
            WHERE message_type = 'PainPro.Contracts.SurveyDue' GROUP BY body::json->>'surveyId'
            """))).ToList();
        Assert.Equal(DueSurveys, perSurvey.Count);
        Assert.All(perSurvey, s => Assert.Equal(1, s.Count));
        Assert.Equal(DueSurveys, claimed.Sum());
        Assert.Equal(DueSurveys, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM surveys WHERE status = 'queued' AND attempts = 1 AND next_send_at > @now", new { now = clock.Now })));
        if (replicas > 1) Assert.All(claimed, c => Assert.True(c > 0, "every replica took a share of the work"));
        return elapsed.Elapsed;
    }

    private static (DueSurveyClaim Dispatcher, DatabaseConnector Connector) Replica(string connectionString, TimeProvider clock)
    {
        var connector = new DatabaseConnector(Options.Create(new PainProOptions
        {
            Database = { Provider = "postgres", ConnectionString = connectionString },
        }));
        var db = new SchedulingDb(connector, new OutboxSignal(), clock);
        return (new DueSurveyClaim(db, Options.Create(new SchedulingOptions()), new SurveyLinkTokens(new EphemeralDataProtectionProvider()), NullLogger<DueSurveyClaim>.Instance), connector);
    }
}
