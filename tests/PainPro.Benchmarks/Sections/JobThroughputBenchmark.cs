using System.Diagnostics;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using PainPro.ServiceDefaults.Jobs;
using PainPro.Testing;

namespace PainPro.Benchmarks.Sections;

/// <param name="Storage"><c>postgres</c> or <c>inmemory</c>.</param>
public sealed record JobThroughputResult(string Storage, int Jobs, int Workers, double JobsPerSecond);

/// <summary>
/// What "one Hangfire job per survey" would cost: a fire-and-forget job that does nothing, enqueued <c>N</c> times and
/// run by one server with Hangfire's default worker count, on the storage PainPro uses (PostgreSQL, configured as the
/// services configure it; the in-memory store of AllInOne). Jobs per second from the first enqueue to the last job
/// succeeded — compare with the claim's surveys per second in the scale section.
/// </summary>
public static class JobThroughputBenchmark
{
    public static async Task<IReadOnlyList<JobThroughputResult>> RunAsync(int postgresJobs, int inMemoryJobs, TextWriter log, CancellationToken ct)
    {
        var results = new List<JobThroughputResult>();

        await using (var database = await PostgresDatabase.CreateAsync())
        {
            var options = JobsExtensions.PostgresStorageOptions(new JobsOptions());
            await using (var connection = new NpgsqlConnection(database.ConnectionString))
            {
                await connection.OpenAsync(ct);
                PostgreSqlObjectsInstaller.Install(connection, JobsOptions.Schema);
            }
            var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, options), options);
            results.Add(await MeasureAsync("postgres", storage, postgresJobs, ct));
        }
        results.Add(await MeasureAsync("inmemory", new InMemoryStorage(), inMemoryJobs, ct));
        foreach (var r in results) log.WriteLine($"  {r.Storage}: {r.Jobs:N0} no-op jobs, {r.Workers} workers: {r.JobsPerSecond:N0} jobs/s");
        return results;
    }

    private static async Task<JobThroughputResult> MeasureAsync(string name, JobStorage storage, int jobs, CancellationToken ct)
    {
        // Its own activator: Hangfire's global one may still hold an earlier section's in-process host, disposed by now,
        // and every job would fail resolving through it.
        var server = new BackgroundJobServerOptions
        {
            Queues = ["bench"], SchedulePollingInterval = TimeSpan.FromSeconds(1), Activator = new JobActivator(),
        };
        var client = new BackgroundJobClient(storage);
        var monitoring = storage.GetMonitoringApi();
        // Hangfire's succeeded list is trimmed to its newest 100 jobs; the succeeded counter counts them all.
        long Succeeded() => monitoring.GetStatistics().Succeeded;
        var before = Succeeded();
        var clock = Stopwatch.StartNew();
        using (new BackgroundJobServer(server, storage))
        {
            for (var i = 0; i < jobs; i++) client.Enqueue("bench", () => NoOp.Run());
            while (Succeeded() - before < jobs)
            {
                ct.ThrowIfCancellationRequested();
                if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException(
                        $"{name}: only {Succeeded() - before} of {jobs} jobs ran in 5 minutes ({monitoring.GetStatistics().Failed} failed)");
                await Task.Delay(50, ct);
            }
        }
        return new JobThroughputResult(name, jobs, server.WorkerCount, jobs / clock.Elapsed.TotalSeconds);
    }

    public static class NoOp
    {
        public static void Run() { }
    }
}
