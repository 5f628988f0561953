using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;
using PainPro.Testing.Twilio;

namespace PainPro.Benchmarks.Sections;

/// <param name="ImportPerSecond">Enrollments per second through <c>POST /api/procedures/import</c> (2,000-row files).</param>
/// <param name="SurveysPerSecond">Due surveys per second, from the instant they fell due to the last SMS the provider accepted.</param>
/// <param name="DueToProvider">From the instant a survey fell due to the provider receiving its SMS.</param>
/// <param name="ClaimedWithin">How long Scheduling's claim loop took to claim every due survey.</param>
/// <param name="Cpu">Where the CPU went from the instant the surveys fell due to the last SMS.</param>
/// <param name="Database">Transactions and row writes per survey, every service together, until Ingestion opened it.</param>
public sealed record DispatchResult(
    int Surveys, string TimeZone, double ImportPerSecond, double SurveysPerSecond, LatencySummary DueToProvider, TimeSpan ClaimedWithin,
    CpuUse Cpu, DatabaseWork Database);

/// <summary>
/// Section 1: N enrollments whose day-3 survey falls due at one instant, end to end: Scheduling claims them and
/// publishes <c>SurveyDue</c> through its outbox, Messaging renders and sends each SMS to the Twilio double, and
/// Ingestion opens each survey (which the reply section then answers).
/// </summary>
/// <remarks>
/// The cohort is registered with its day-3 survey due an hour ahead, so nothing is due while it is imported; then
/// Scheduling's simulated clock jumps that hour. The jump is the instant every survey falls due, measured in real
/// time, and the provider's arrival times (also real time) give each survey's due → provider latency.
/// </remarks>
public static class DispatchBenchmark
{
    private static readonly TimeSpan Lead = TimeSpan.FromHours(1);

    /// <param name="runTag">Distinguishes this cohort's patients from earlier ones in the same cluster (the warm-up's).</param>
    /// <param name="statsFlush">How long PostgreSQL's activity counters take to be complete (see <see cref="DatabaseActivity"/>).</param>
    public static async Task<(DispatchResult Result, Cohort Cohort)> RunAsync(
        PainProCluster cluster, int surveys, int runTag, TimeSpan statsFlush, TextWriter log, CancellationToken ct)
    {
        using var scheduling = ApiClient(cluster.Scheduling.BaseUrl);
        var clock = await scheduling.GetFromJsonAsync<ClockView>("/dev/clock", ct)
            ?? throw new InvalidOperationException("Scheduling's /dev/clock answered nothing.");
        // Due an hour ahead on Scheduling's (simulated) clock, so nothing is due while the cohort is imported.
        var cohort = Cohort.Create(surveys, clock.Now + Lead, runTag);

        await using var database = new NpgsqlConnection(cluster.Database.ConnectionString);
        await database.OpenAsync(ct);
        const string enrollmentsKnown = "SELECT count(*) FROM ingestion.enrollments";
        const string surveysOpen = "SELECT count(*) FROM ingestion.surveys WHERE status = 'open'";
        var enrollmentsBefore = await CountAsync(database, enrollmentsKnown, ct);
        var openBefore = await CountAsync(database, surveysOpen, ct);

        var importTime = await cohort.ImportAsync(scheduling, ct);
        log.WriteLine($"  imported {surveys:N0} enrollments in {importTime.TotalSeconds:F1} s (zone {cohort.Zone.Id})");
        // Ingestion learns each enrollment (its baseline) from EnrollmentCreated: let that settle before the clock moves.
        await WaitForCountAsync(database, enrollmentsKnown, enrollmentsBefore + surveys, "Ingestion to record every enrollment", ct);

        var activity = await DatabaseActivity.StartAsync(cluster.Database.ConnectionString, statsFlush, ct);
        var cpu = cluster.StartCpuAccounting();
        var dueAt = DateTimeOffset.UtcNow;
        var claimClock = Stopwatch.StartNew();
        using (var advance = await scheduling.PostAsJsonAsync("/dev/clock/advance", new { by = "PT1H1M" }, ct))
            if (!advance.IsSuccessStatusCode)
                throw new InvalidOperationException($"Scheduling refused the clock advance: {(int)advance.StatusCode} {await advance.Content.ReadAsStringAsync(ct)}");
        var claimedWithin = claimClock.Elapsed;

        var phones = cohort.Patients.Select(p => p.Phone).ToHashSet();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60 + surveys / 50.0);
        List<TwilioRequest> ours;
        while ((ours = cluster.Twilio.AcceptedMessages.Where(r => r.To is { } to && phones.Contains(to)).ToList()).Count < surveys)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The Twilio double accepted {ours.Count:N0} of {surveys:N0} survey SMS before the deadline.");
            await Task.Delay(100, ct);
        }
        var cpuUse = cpu.Stop();
        var distinct = ours.Select(r => r.To).Distinct().Count();
        if (ours.Count != surveys || distinct != surveys)
            throw new InvalidOperationException($"Expected one SMS per patient: got {ours.Count:N0} SMS to {distinct:N0} of {surveys:N0} patients.");

        var latencies = LatencySummary.Of(ours.Select(r => (r.ReceivedAt - dueAt).TotalMilliseconds));
        var span = ours.Max(r => r.ReceivedAt) - dueAt;
        log.WriteLine($"  {surveys:N0} SMS accepted {span.TotalSeconds:F1} s after falling due; claim loop done in {claimedWithin.TotalSeconds:F1} s");
        log.WriteLine($"  CPU: {cpuUse.Describe()}; {cpuUse.SystemMillisecondsPer(surveys):F2} CPU ms per survey");

        // The reply section answers these surveys: Ingestion must have opened every one.
        await WaitForCountAsync(database, surveysOpen, openBefore + surveys, "Ingestion to open every survey", ct);
        var work = await activity.LapAsync(surveys, ct);
        log.WriteLine($"  database work per survey: {work.TransactionsPerItem:F1} transactions, {work.RowsWrittenPerItem:F1} row writes");

        var result = new DispatchResult(surveys, cohort.Zone.Id, surveys / importTime.TotalSeconds, surveys / span.TotalSeconds, latencies, claimedWithin, cpuUse, work);
        return (result, cohort);
    }

    private sealed record ClockView(DateTimeOffset Now, bool Simulated);

    private static HttpClient ApiClient(string baseUrl)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Add("X-Api-Key", PainProCluster.ApiKey);
        return client;
    }

    /// <summary>Polls the cluster's database (read-only: the harness is not a service and may look at every schema).</summary>
    private static async Task WaitForCountAsync(NpgsqlConnection database, string sql, long expected, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60 + expected / 100.0);
        long count;
        while ((count = await CountAsync(database, sql, ct)) < expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}: {count:N0} of {expected:N0}.");
            await Task.Delay(200, ct);
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection database, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, database);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }
}
