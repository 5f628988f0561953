using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PainPro.Ingestion.Http;
using PainPro.Ingestion.Outcomes;
using PainPro.Testing;
using Xunit.Abstractions;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The dashboard's Ingestion figures on PostgreSQL at a large health system's size (the SQLite side is the Portal's page
/// benchmark, <c>DemoBenchmarkTests</c>): 50,000 enrollments over two years, their ~140,000 surveys and answers, 20,000
/// alerts, written set-based. The roll-up must give exactly what the direct computation gives; the times of both are
/// written to tests/.artifacts/outcomes-postgres-benchmark.txt (nothing asserts on them: timing on a shared machine is
/// not a pass/fail matter).
/// </summary>
public sealed class OutcomeRollupAtScaleTests(ITestOutputHelper output)
{
    private const int Rounds = 7;

    [Fact]
    public async Task On_PostgreSQL_with_50000_enrollments_the_roll_up_equals_the_direct_computation()
    {
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Postgres);
        var now = h.Clock.GetUtcNow();
        var seeding = Stopwatch.StartNew();
        await h.Db.InTransactionAsync(session => session.ExecuteAsync("""
            INSERT INTO enrollments (id, patient_id, procedure_type, body_site, facility, surgeon, performed_at, mrn_last4, baseline_vas,
                                     baseline_recorded_at, baseline_source, created_at)
            SELECT gen_random_uuid(), gen_random_uuid(),
                   (ARRAY['cementoplasty','vertebroplasty','kyphoplasty','separation-surgery','stabilisation','fixation','distraction-osteogenesis','resection-reconstruction'])[1 + i % 8],
                   'femur', 'Scale ' || (i % 6), CASE WHEN i % 25 = 0 THEN NULL ELSE 'Dr. Scale ' || (i % 24) END,
                   @now - make_interval(days => 5 + (i * 7919) % 725, mins => (i * 31) % 1440), lpad((i % 10000)::text, 4, '0'),
                   CASE WHEN i % 10 = 0 THEN NULL ELSE 4 + (i * 13) % 7 END, NULL, NULL, @now
            FROM generate_series(1, 50000) AS i;
            INSERT INTO surveys (id, enrollment_id, patient_id, timepoint, instruments, items, channel, locale, expires_at, attempt, status,
                                 opened_at, refreshed_at, last_activity_at, completed_at, vas, analgesic_change, consensus_class)
            SELECT gen_random_uuid(), e.id, e.patient_id, t.timepoint, 'vas,analgesic', 'vas,analgesic', 'sms', 'en', e.performed_at + t.closes,
                   0, CASE WHEN a.answered THEN 'completed' ELSE 'expired' END, e.performed_at + t.due, e.performed_at + t.due,
                   e.performed_at + t.due, CASE WHEN a.answered THEN e.performed_at + t.due END,
                   CASE WHEN a.answered THEN greatest(0, least(10, coalesce(e.baseline_vas, 7) - a.drop)) END,
                   CASE WHEN a.answered THEN 'same' END,
                   CASE WHEN a.answered AND e.baseline_vas IS NOT NULL THEN
                       CASE WHEN a.drop >= 2 THEN 'partial' WHEN a.drop <= -2 THEN 'progression' ELSE 'indeterminate' END END
            FROM enrollments e
            CROSS JOIN (VALUES ('day3', interval '3 days', interval '5 days'), ('month1', interval '30 days', interval '37 days'),
                               ('month3', interval '90 days', interval '104 days')) AS t(timepoint, due, closes)
            CROSS JOIN LATERAL (SELECT (hashtext(e.id::text || t.timepoint) & 1023) < 737 AS answered,
                                       (hashtext(t.timepoint || e.id::text) & 7) - 2 AS drop) AS a
            WHERE e.performed_at + t.closes <= @now;
            INSERT INTO responses (id, survey_id, item, enrollment_id, value, source, answered_at)
            SELECT gen_random_uuid(), s.id, 'vas', s.enrollment_id, s.vas, 'sms', s.completed_at FROM surveys s WHERE s.vas IS NOT NULL;
            INSERT INTO alerts (id, enrollment_id, patient_id, survey_id, timepoint, rules, severity, summary, status, raised_at, updated_at,
                                high_since, acknowledged_at, acknowledged_by, resolved_at, resolved_by, outcome)
            SELECT gen_random_uuid(), s.enrollment_id, s.patient_id, s.id, s.timepoint,
                   (ARRAY['no-relief','severe-pain,no-relief','pain-progression,severe-pain','no-response','analgesic-escalation'])[1 + n % 5],
                   (ARRAY['high','medium','low'])[1 + n % 3], 'scale', CASE WHEN n % 2 = 0 THEN 'open' ELSE 'resolved' END,
                   s.opened_at, s.opened_at, CASE WHEN n % 3 = 0 THEN s.opened_at END,
                   CASE WHEN n % 4 <> 0 THEN s.opened_at + make_interval(mins => 5 + n % 1800) END, CASE WHEN n % 4 <> 0 THEN 'scale.nurse' END,
                   CASE WHEN n % 2 = 1 THEN s.opened_at + interval '2 days' END, CASE WHEN n % 2 = 1 THEN 'scale.nurse' END,
                   CASE WHEN n % 2 = 1 THEN 'advice-given' END
            FROM (SELECT s.*, (row_number() OVER (ORDER BY s.id))::int AS n FROM surveys s WHERE s.timepoint = 'month1') AS s
            WHERE n <= 20000;
            ANALYZE;
            """, new { now }));
        seeding.Stop();

        var monitor = new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions());
        var rollup = new OutcomeRollup(h.Db);
        var trends = new OutcomeTrends(h.Db, rollup, monitor);
        var summary = new OutcomesSummary(rollup, monitor);
        var computing = Stopwatch.StartNew();
        await rollup.RefreshAsync(monitor.CurrentValue.Alerts.ResponseReduction);
        computing.Stop();

        var year = new DateRange(new DateTimeOffset(now.UtcDateTime.Date.AddYears(-1), TimeSpan.Zero), new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero));
        var twoYears = new DateRange(new DateTimeOffset(now.UtcDateTime.Date.AddYears(-2), TimeSpan.Zero), year.Until);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Ingestion's dashboard figures on PostgreSQL, {await h.CountAsync("enrollments"):N0} enrollments, {await h.CountAsync("surveys"):N0} surveys, {await h.CountAsync("alerts"):N0} alerts (seeded in {seeding.Elapsed.TotalSeconds:0.0} s; the roll-up of every month computed in {computing.Elapsed.TotalMilliseconds:0} ms)");
        report.AppendLine("request                                         roll-up median ms   direct median ms");
        foreach (var (name, run) in new (string, Func<bool, Task<object>>)[]
                 {
                     ("trends, all procedures, 12 months", async direct => await trends.RunAsync(null, year, OutcomeTrends.Month, direct: direct)),
                     ("trends, all procedures, 2 years by quarter", async direct => await trends.RunAsync(null, twoYears, OutcomeTrends.Quarter, direct: direct)),
                     ("trends, kyphoplasty, 12 months", async direct => await trends.RunAsync("kyphoplasty", year, OutcomeTrends.Month, direct: direct)),
                     ("summary, all procedures, 12 months", async direct => await summary.RunAsync(null, year, direct: direct)),
                     ("summary, all time", async direct => await summary.RunAsync(null, new DateRange(null, null), direct: direct)),
                 })
        {
            Assert.True(JsonSerializer.Serialize(await run(true)) == JsonSerializer.Serialize(await run(false)), $"{name}: the roll-up differs from the direct computation");
            report.AppendLine(CultureInfo.InvariantCulture, $"{name,-47} {await MedianAsync(() => run(false)),18:0.0} {await MedianAsync(() => run(true)),18:0.0}");
        }
        output.WriteLine(report.ToString());
        var artifacts = Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "outcomes-postgres-benchmark.txt"), report.ToString());
    }

    private static async Task<double> MedianAsync(Func<Task<object>> run)
    {
        await run();
        var times = new List<double>();
        for (var i = 0; i < Rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
