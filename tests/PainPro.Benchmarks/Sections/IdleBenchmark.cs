using System.Diagnostics;
using Npgsql;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;
using PainPro.ServiceDefaults.Jobs;

namespace PainPro.Benchmarks.Sections;

/// <param name="Window">From the first reading to the second (the second waits for the counters to flush).</param>
/// <param name="HangfireRowsPerSecond">The row writes of Hangfire's own tables (schema <c>hangfire</c>).</param>
/// <param name="HangfireTables">Hangfire's busiest tables: row writes per second each, most first.</param>
public sealed record IdleResult(TimeSpan Window, double TransactionsPerSecond, double RowsWrittenPerSecond, double HangfireRowsPerSecond,
    IReadOnlyDictionary<string, double> HangfireTables);

/// <summary>
/// The cluster with nothing due: what the database does anyway — Hangfire running each piece of due work once a
/// second, its schedulers and polling workers, the outbox relays. This background is inside every "per survey" and
/// "per reply" figure, spread over the items of the run.
/// </summary>
public static class IdleBenchmark
{
    public static async Task<IdleResult> RunAsync(PainProCluster cluster, TimeSpan window, TimeSpan statsFlush, TextWriter log, CancellationToken ct)
    {
        var connectionString = cluster.Database.ConnectionString;
        var activity = await DatabaseActivity.StartAsync(connectionString, statsFlush, ct);
        var hangfireBefore = await HangfireWritesAsync(connectionString, ct);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, ct);
        var work = await activity.LapAsync(1, ct);
        var hangfireAfter = await HangfireWritesAsync(connectionString, ct);
        var seconds = clock.Elapsed.TotalSeconds;

        var tables = hangfireAfter
            .Select(t => (t.Key, PerSecond: (t.Value - hangfireBefore.GetValueOrDefault(t.Key)) / seconds))
            .Where(t => t.PerSecond >= 0.5).OrderByDescending(t => t.PerSecond)
            .ToDictionary(t => t.Key, t => Math.Round(t.PerSecond, 1));
        var result = new IdleResult(clock.Elapsed, work.TransactionsPerItem / seconds, work.RowsWrittenPerItem / seconds, tables.Values.Sum(), tables);
        log.WriteLine($"  idle for {seconds:F0} s: {result.TransactionsPerSecond:N0} transactions/s, {result.RowsWrittenPerSecond:N0} row writes/s " +
                      $"({result.HangfireRowsPerSecond:N0}/s in Hangfire's tables: {string.Join(", ", tables.Select(t => $"{t.Key} {t.Value:N0}"))})");
        return result;
    }

    /// <summary>Row writes so far of each of Hangfire's tables.</summary>
    private static async Task<Dictionary<string, long>> HangfireWritesAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE schemaname = @schema", connection);
        command.Parameters.AddWithValue("schema", JobsOptions.Schema);
        var writes = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) writes[reader.GetString(0)] = reader.GetInt64(1);
        return writes;
    }
}
