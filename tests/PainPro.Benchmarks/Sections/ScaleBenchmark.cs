using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;
using PainPro.Scheduling;
using PainPro.Scheduling.Dispatch;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;

namespace PainPro.Benchmarks.Sections;

/// <param name="Size">The nominal schedule size: 10k, 100k or 1M pending surveys.</param>
/// <param name="Scheduled">Survey rows in the table at the measurement (almost all pending in the future).</param>
/// <param name="Due">Surveys due at the measurement, all dispatched.</param>
/// <param name="ClaimBatch">One claim transaction of a full batch: claim, outbox rows, status updates, commit.</param>
/// <param name="IdleClaim">One claim transaction with nothing due: what the loop costs every tick.</param>
/// <param name="DispatchPerSecond">Due surveys claimed and written to the outbox per second, one loop.</param>
/// <param name="ClaimPlan">The claim query's plan, from EXPLAIN ANALYZE of the same claim with due rows present.</param>
/// <param name="BatchStatements">The SQL each full batch ran, by kind, with its time per batch.</param>
public sealed record ScaleResult(
    int Size, long Scheduled, int Due, int BatchSize, LatencySummary ClaimBatch, LatencySummary IdleClaim, double DispatchPerSecond,
    string ClaimPlanIndex, double ClaimPlanMs, IReadOnlyList<string> ClaimPlan, IReadOnlyList<SqlCost> BatchStatements);

/// <summary>
/// Section 4: the claim loop's cost as the schedule grows. Scheduling's own <see cref="DueSurveyClaim"/> runs in
/// this process against a fresh PostgreSQL schema holding 10k, 100k and 1M survey rows (loaded with set-based SQL,
/// almost all due weeks ahead), each time with the same number of due surveys. Each <c>RunDueAsync</c> call is one
/// claim transaction, timed on its own.
/// </summary>
public static class ScaleBenchmark
{
    private const int IdleClaims = 30;

    /// <param name="npgsqlOptions">Extra connection-string settings, as the services would get them.</param>
    public static async Task<IReadOnlyList<ScaleResult>> RunAsync(IReadOnlyList<int> sizes, int due, string? npgsqlOptions,
        TextWriter log, CancellationToken ct)
    {
        await using var postgres = await PostgresDatabase.CreateAsync();
        await using var services = new ServiceCollection()
            .AddSingleton(Options.Create(new PainProOptions
            {
                Database = { Provider = "postgres", ConnectionString = ConnectionStrings.With(postgres.ConnectionString, npgsqlOptions) },
            }))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<DatabaseConnector>()
            .AddSingleton<OutboxSignal>()
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<MigrationRunner>()
            .AddSingleton<SchedulingDb>()
            .BuildServiceProvider();
        var db = services.GetRequiredService<SchedulingDb>();
        await services.GetRequiredService<MigrationRunner>().MigrateAsync(db, ct);

        var schedulingOptions = new SchedulingOptions();
        var dispatcher = ActivatorUtilities.CreateInstance<DueSurveyClaim>(services, Options.Create(schedulingOptions),
            new SurveyLinkTokens(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()));

        // Compile the dispatcher's path and fill the connection pool before anything is timed.
        await AddDueAsync(db, 0, 200, SendWindowZone.Around1PmAt(DateTimeOffset.UtcNow).Id, ct);
        while (await dispatcher.RunDueAsync(ct) > 0) { }

        var results = new List<ScaleResult>();
        var enrollments = 0;
        foreach (var size in sizes)
        {
            var load = Stopwatch.StartNew();
            enrollments = await TopUpAsync(db, enrollments, size, ct);
            log.WriteLine($"  {size:N0} surveys scheduled (loaded in {load.Elapsed.TotalSeconds:F1} s)");

            var zone = SendWindowZone.Around1PmAt(DateTimeOffset.UtcNow);
            var scheduled = await AddDueAsync(db, size, due, zone.Id, ct);
            await SettleAsync(db, ct);
            var (planIndex, planMs, plan) = await ExplainClaimAsync(db, schedulingOptions.ClaimBatchSize, ct);

            var batches = new LatencyRecorder();
            var dispatched = 0;
            var profile = SqlProfile.Start();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var start = Stopwatch.GetTimestamp();
                var handled = await dispatcher.RunDueAsync(ct);
                if (handled == 0) break;
                batches.Record(Stopwatch.GetElapsedTime(start));
                dispatched += handled;
            }
            var rate = dispatched / clock.Elapsed.TotalSeconds;
            var statements = profile.Stop(batches.Count);
            if (dispatched != due)
                throw new InvalidOperationException($"The claim loop dispatched {dispatched:N0} of {due:N0} due surveys at {scheduled:N0} scheduled.");

            var idle = new LatencyRecorder(IdleClaims);
            for (var i = 0; i < IdleClaims; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await dispatcher.RunDueAsync(ct);
                idle.Record(Stopwatch.GetElapsedTime(start));
            }

            var result = new ScaleResult(size, scheduled, due, schedulingOptions.ClaimBatchSize,
                batches.Summarize(), idle.Summarize(), rate, planIndex, planMs, plan, statements);
            results.Add(result);
            log.WriteLine($"  {result.Scheduled:N0} rows: batch of {result.BatchSize} p50 {result.ClaimBatch.P50:F1} ms p95 {result.ClaimBatch.P95:F1} ms, " +
                          $"idle claim p50 {result.IdleClaim.P50:F2} ms, {rate:F0} surveys/s; plan: {planIndex} {planMs:F2} ms");
            log.WriteLine($"    per batch: {SqlProfile.Describe(statements, top: 6)}");
        }
        return results;
    }

    /// <summary>
    /// Grows the schedule to <paramref name="target"/> pending survey rows: enrollments with a procedure in the next
    /// 60 days, each with day 3, month 1 and month 3 pending, like a live registry. Set-based SQL, one statement per
    /// table. Returns how many enrollments the schedule now has.
    /// </summary>
    private static async Task<int> TopUpAsync(SchedulingDb db, int from, int target, CancellationToken ct)
    {
        var to = (target + 2) / 3;
        if (to <= from) return from;
        await using var connection = await db.OpenAsync(ct);
        var args = new { from, to, now = DateTimeOffset.UtcNow };
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO patients (id, mrn, given_name, family_name, phone, email, preferred_channel, locale, time_zone, created_at, updated_at)
            SELECT md5('p' || g)::uuid, 'SCALE-' || g, 'Scale', 'Benchmark', '+1556' || lpad(g::text, 7, '0'), NULL, 'sms', 'en',
                   'America/New_York', @now, @now
            FROM generate_series(@from, @to - 1) g;

            INSERT INTO enrollments (id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at, facility,
                                     surgeon, baseline_vas, baseline_recorded_at, time_zone, send_window_start, send_window_end,
                                     created_at, updated_at)
            SELECT md5('e' || g)::uuid, 'SCALE-' || g, md5('h' || g), md5('p' || g)::uuid, 'cementoplasty', 'femur',
                   @now + interval '1 day' + (g % 5184000) * interval '1 second', 'Main', NULL, 6, NULL,
                   'America/New_York', 540, 1140, @now, @now
            FROM generate_series(@from, @to - 1) g;

            INSERT INTO surveys (id, enrollment_id, timepoint, instruments, channel, due_at, send_at, closes_at, reminder_minutes,
                                 status, attempts, next_send_at, link_token_protected)
            SELECT md5('s' || g || t.timepoint)::uuid, e.id, t.timepoint, t.instruments, 'sms',
                   e.performed_at + t.due_after, e.performed_at + t.due_after, e.performed_at + t.closes_after, t.reminders,
                   'scheduled', 0, e.performed_at + t.due_after, md5('t' || g || t.timepoint)
            FROM generate_series(@from, @to - 1) g
            JOIN enrollments e ON e.id = md5('e' || g)::uuid
            CROSS JOIN (VALUES ('day3', interval '3 days', interval '5 days', '1440', 'vas,analgesic'),
                               ('month1', interval '30 days', interval '37 days', '2880,5760', 'vas,analgesic,msts-lower'),
                               ('month3', interval '90 days', interval '104 days', '2880,5760', 'vas,analgesic,msts-lower'))
                 AS t (timepoint, due_after, closes_after, reminders, instruments);
            """, args, commandTimeout: 600, cancellationToken: ct));
        return to;
    }

    /// <summary>Adds day-3 surveys due a minute ago, in a zone whose send window is open now; returns the table's size.</summary>
    private static async Task<long> AddDueAsync(SchedulingDb db, int size, int due, string zone, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var tag = size == 0 ? "warm-" : $"due{size}-";
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO patients (id, mrn, given_name, family_name, phone, email, preferred_channel, locale, time_zone, created_at, updated_at)
            SELECT md5('p' || @tag || g)::uuid, 'SCALE-' || @tag || g, 'Due', 'Benchmark', '+1557' || lpad(g::text, 7, '0'), NULL, 'sms', 'en',
                   @zone, @now, @now
            FROM generate_series(1, @due) g;

            INSERT INTO enrollments (id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at, facility,
                                     surgeon, baseline_vas, baseline_recorded_at, time_zone, send_window_start, send_window_end,
                                     created_at, updated_at)
            SELECT md5('e' || @tag || g)::uuid, 'SCALE-' || @tag || g, md5('h' || @tag || g), md5('p' || @tag || g)::uuid,
                   'cementoplasty', 'femur', @now - interval '3 days 1 minute', 'Main', NULL, 6, NULL, @zone, 540, 1140, @now, @now
            FROM generate_series(1, @due) g;

            INSERT INTO surveys (id, enrollment_id, timepoint, instruments, channel, due_at, send_at, closes_at, reminder_minutes,
                                 status, attempts, next_send_at, link_token_protected)
            SELECT md5('s' || @tag || g)::uuid, md5('e' || @tag || g)::uuid, 'day3', 'vas,analgesic', 'sms',
                   @now - interval '1 minute', @now - interval '1 minute', @now + interval '2 days', '1440',
                   'scheduled', 0, @now - interval '1 minute', md5('t' || @tag || g)
            FROM generate_series(1, @due) g;
            """, new { tag, due, zone, now = DateTimeOffset.UtcNow }, commandTimeout: 600, cancellationToken: ct));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM surveys", cancellationToken: ct));
    }

    /// <summary>
    /// Puts every size on the same footing: statistics and visibility map as autovacuum keeps them on a live table,
    /// and no dirty pages left from the load for the checkpointer to write during the measurement.
    /// </summary>
    private static async Task SettleAsync(SchedulingDb db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        foreach (var sql in new[] { "VACUUM (ANALYZE) patients", "VACUUM (ANALYZE) enrollments", "VACUUM (ANALYZE) surveys", "CHECKPOINT" })
            // Explicitly text: Dapper takes a single word such as CHECKPOINT for a stored procedure's name.
            await connection.ExecuteAsync(new CommandDefinition(sql, commandTimeout: 600, commandType: System.Data.CommandType.Text, cancellationToken: ct));
    }

    /// <summary>
    /// EXPLAIN ANALYZE of the claim's row selection, written as <see cref="DueSurveyClaim"/> writes it (the
    /// batch of earliest pending sends, locked with SKIP LOCKED), rolled back so the due rows stay due.
    /// </summary>
    private static async Task<(string Index, double Ms, IReadOnlyList<string> Plan)> ExplainClaimAsync(SchedulingDb db, int batch, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var plan = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            EXPLAIN (ANALYZE, BUFFERS)
            SELECT id FROM surveys
            WHERE next_send_at <= @now AND closes_at > @now
            ORDER BY next_send_at
            LIMIT @batch FOR UPDATE SKIP LOCKED
            """, new { now = DateTimeOffset.UtcNow, batch }, transaction, cancellationToken: ct))).ToList();
        await transaction.RollbackAsync(ct);

        var index = plan.Select(line => System.Text.RegularExpressions.Regex.Match(line, @"(Index Only Scan|Index Scan|Seq Scan|Bitmap Heap Scan)(?: using (\w+))?"))
            .FirstOrDefault(m => m.Success) is { } scan ? scan.Value : "unknown";
        var execution = plan.Select(line => System.Text.RegularExpressions.Regex.Match(line, @"Execution Time: ([\d.]+) ms"))
            .FirstOrDefault(m => m.Success) is { } time ? double.Parse(time.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
        return (index, execution, plan);
    }
}
