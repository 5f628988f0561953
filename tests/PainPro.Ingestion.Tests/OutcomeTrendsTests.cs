using System.Security.Cryptography;
using System.Text;
using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Http;
using PainPro.Ingestion.Outcomes;
using PainPro.Ingestion.Responses;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The quarterly review's figures and the de-identified extract on both dialects, against what the test computes itself
/// from the cohort it wrote and the alerts the rules raised.
/// </summary>
public sealed class OutcomeTrendsTests
{
    private static readonly DateTimeOffset January = new(2026, 1, 10, 15, 0, 0, TimeSpan.Zero);

    private sealed record Patient(string Facility, string? Surgeon, string Procedure, DateTimeOffset PerformedAt, int? Baseline, int? Day3, int? Month1);

    private static readonly Patient[] Cohort =
    [
        new("Main", "Dr. Lee", "cementoplasty", January, 8, 5, 3),
        new("Main", "Dr. Lee", "cementoplasty", January.AddDays(3), 7, 7, null),
        new("Main", "Dr. Ruiz", "kyphoplasty", January.AddDays(5), 6, 9, 4),
        new("North", "Dr. Ruiz", "kyphoplasty", January.AddDays(20), null, 4, 2),
        new("North", null, "cementoplasty", January.AddDays(33), 9, 8, 8),
        new("North", "Dr. Lee", "cementoplasty", January.AddDays(36), 5, null, 1),
        new("Main", "Dr. Lee", "kyphoplasty", January.AddDays(40), 4, 2, null),
        new("Main", null, "cementoplasty", January.AddDays(62), 7, 5, 5),
    ];

    private static async Task<IReadOnlyList<(Patient Patient, EnrollmentCreated Enrollment)>> SeedAsync(IngestionHarness h)
    {
        var seeded = new List<(Patient, EnrollmentCreated)>();
        foreach (var p in Cohort)
        {
            var enrollment = Fixtures.Enrollment(baselineVas: p.Baseline, procedureType: p.Procedure, performedAt: p.PerformedAt, facility: p.Facility)
                with { Surgeon = p.Surgeon };
            await h.ApplyAsync(enrollment);
            foreach (var (timepoint, vas) in new[] { (Timepoints.Day3, p.Day3), (Timepoints.Month1, p.Month1) })
            {
                var due = Fixtures.SurveyDue(enrollment, timepoint, Fixtures.VasAndAnalgesic, phone: null);
                await h.ApplyAsync(due);
                if (vas is { } v) await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, v), new Answer(ItemCodes.Analgesic, 2));
            }
            seeded.Add((p, enrollment));
        }
        return seeded;
    }

    private static string? Group(string dimension, Patient p) => dimension switch
    {
        TrendDimensions.Facility => p.Facility,
        TrendDimensions.Surgeon => p.Surgeon ?? OutcomeTrends.Unknown,
        TrendDimensions.ProcedureType => p.Procedure,
        _ => null,
    };

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Trends_by_month_and_by_facility_surgeon_and_procedure_equal_the_cohorts_own_counts(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var seeded = await SeedAsync(h);
        var trends = new OutcomeTrends(h.Db, new OutcomeRollup(h.Db), new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));

        var view = await trends.RunAsync(null, new DateRange(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero)), OutcomeTrends.Month);

        Assert.Equal(["2026-01", "2026-02", "2026-03"], view.Periods);
        foreach (var dimension in TrendDimensions.Each)
            foreach (var period in view.Periods.Cast<string?>().Append(null))
                foreach (var timepoint in new[] { Timepoints.Day3, Timepoints.Month1 })
                    foreach (var group in Cohort.Select(p => Group(dimension, p)).Distinct())
                    {
                        var patients = Cohort.Where(p => Group(dimension, p) == group && (period is null || p.PerformedAt.ToString("yyyy-MM") == period)).ToList();
                        var cell = view.Outcomes.SingleOrDefault(c => c.Dimension == dimension && c.Group == group && c.Period == period && c.Timepoint == timepoint);
                        if (patients.Count == 0) { Assert.Null(cell); continue; }
                        var answers = patients.Select(p => (p.Baseline, Vas: timepoint == Timepoints.Day3 ? p.Day3 : p.Month1)).ToList();
                        var paired = answers.Where(a => a.Baseline is not null && a.Vas is not null).ToList();
                        Assert.NotNull(cell);
                        Assert.Equal((patients.Count, answers.Count(a => a.Vas is not null), paired.Count, paired.Count(a => a.Baseline - a.Vas >= 2)),
                            ((int)cell.Sent, (int)cell.Answered, (int)cell.Paired, (int)cell.Reduced));
                    }

        // The alerts the rules raised, grouped here from the raw rows.
        var alerts = (await h.Db.ReadAsync(c => c.QueryAsync<(Guid EnrollmentId, string Rules)>("SELECT enrollment_id, rules FROM alerts"))).ToList();
        Assert.NotEmpty(alerts);
        foreach (var dimension in TrendDimensions.Each)
            foreach (var group in Cohort.Select(p => Group(dimension, p)).Distinct())
            {
                var enrollments = seeded.Where(s => Group(dimension, s.Patient) == group).Select(s => s.Enrollment.EnrollmentId).ToHashSet();
                var cell = view.Alerts.Single(c => c.Dimension == dimension && c.Group == group && c.Period is null);
                var raised = alerts.Where(a => enrollments.Contains(a.EnrollmentId)).ToList();
                Assert.Equal((enrollments.Count, raised.Count), ((int)cell.Enrollments, (int)cell.Alerts));
                Assert.Equal(Math.Round(raised.Count * 100.0 / enrollments.Count, 1), cell.AlertsPer100Enrollments);
                Assert.Equal(raised.SelectMany(a => a.Rules.Split(',')).GroupBy(r => r).Select(g => KeyValuePair.Create(g.Key, (long)g.Count())).OrderBy(r => r.Key),
                    cell.ByRule.OrderBy(r => r.Key));
            }
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_century_wide_range_draws_the_months_with_enrollments_not_1200_months(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        await SeedAsync(h);
        var trends = new OutcomeTrends(h.Db, new OutcomeRollup(h.Db), new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));
        var century = new DateRange(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(["2026-01", "2026-02", "2026-03"], (await trends.RunAsync(null, century, OutcomeTrends.Month)).Periods);
        Assert.Equal(["2026-Q1"], (await trends.RunAsync(null, century, OutcomeTrends.Quarter)).Periods);
        // Kyphoplasty's procedures are in January and February: March is not drawn for it.
        Assert.Equal(["2026-01", "2026-02"], (await trends.RunAsync("kyphoplasty", century, OutcomeTrends.Month)).Periods);
        Assert.Empty((await trends.RunAsync("fixation", century, OutcomeTrends.Month)).Periods);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Time_to_acknowledge_has_its_median_90th_percentile_and_share_within_each_severitys_target(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        await SeedAsync(h);
        var alerts = (await h.Db.ReadAsync(c => c.QueryAsync<(Guid Id, string Severity, DateTimeOffset RaisedAt)>(
            "SELECT id, severity, raised_at FROM alerts ORDER BY id"))).ToList();
        Assert.True(alerts.Count >= 3, $"{alerts.Count} alerts raised");
        // Minutes to acknowledge per alert: the last one stays open, past every target; one is resolved by staff without an acknowledgement.
        var minutes = new[] { 30, 200, 300, 2000, 90, 45, 5000 }.Take(alerts.Count - 1).ToList();
        await h.Db.InTransactionAsync(async s =>
        {
            for (var i = 0; i < minutes.Count; i++)
                await s.ExecuteAsync(i == 1
                        ? "UPDATE alerts SET status = 'resolved', resolved_at = @at, resolved_by = 'nurse.jo' WHERE id = @id"
                        : "UPDATE alerts SET status = 'acknowledged', acknowledged_at = @at WHERE id = @id",
                    new { id = alerts[i].Id, at = alerts[i].RaisedAt.AddMinutes(minutes[i]) });
        });
        h.Clock.Advance(TimeSpan.FromDays(10));
        var trends = new OutcomeTrends(h.Db, new OutcomeRollup(h.Db), new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));

        var all = (await trends.RunAsync(null, new DateRange(null, null), OutcomeTrends.Quarter, default)).Alerts
            .Single(c => c.Dimension == TrendDimensions.All && c.Period is null);

        var sorted = minutes.Select(m => (double)m).Order().ToList();
        var targets = AcknowledgeTargets.From(new IngestionOptions().Alerts);
        var within = minutes.Select((m, i) => TimeSpan.FromMinutes(m) <= targets.For(alerts[i].Severity)).Count(w => w);
        Assert.Equal((minutes.Count, minutes.Count + 1), ((int)all.Acknowledged, (int)all.Judged));
        Assert.Equal(Statistics.Quantile(sorted, 0.5), all.MedianMinutesToAcknowledge);
        Assert.Equal(Math.Round(Statistics.Quantile(sorted, 0.9), 1), all.P90MinutesToAcknowledge);
        Assert.Equal(within, (int)all.WithinTarget);
        Assert.Equal(Math.Round((double)within / (minutes.Count + 1), 4), all.WithinTargetShare);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_paired_view_takes_only_patients_with_a_baseline_and_that_timepoint(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        await SeedAsync(h);
        var trends = new OutcomeTrends(h.Db, new OutcomeRollup(h.Db), new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));

        var paired = (await trends.RunAsync(null, new DateRange(null, null), OutcomeTrends.Month)).Paired;

        var month1 = Cohort.Where(p => p is { Baseline: not null, Month1: not null }).ToList();
        var row = paired.Single(p => p.Timepoint == Timepoints.Month1);
        Assert.Equal(month1.Count, row.N);
        Assert.Equal(Statistics.Quantile([.. month1.Select(p => (double)p.Baseline!.Value).Order()], 0.5), row.BaselineMedian);
        Assert.Equal(Statistics.Quantile([.. month1.Select(p => (double)p.Month1!.Value).Order()], 0.25), row.Q1);
        Assert.Equal(Math.Round(month1.Average(p => (double)(p.Month1!.Value - p.Baseline!.Value)), 2), row.MeanChange);
        Assert.Equal(0, paired.Single(p => p.Timepoint == Timepoints.Month3).N);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_extract_is_one_pseudonymous_line_per_enrollment_without_names_contacts_MRNs_or_dates(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var seeded = await SeedAsync(h);
        var monitor = new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions());
        var extract = new PatientExtract(h.Db, new PseudonymKey(h.Db, monitor), monitor);

        var csv = await extract.RunAsync(null, new DateRange(null, null), default);
        var again = await new PatientExtract(h.Db, new PseudonymKey(h.Db, monitor), monitor).RunAsync(null, new DateRange(null, null), default);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', PatientExtract.Header), lines[0]);
        Assert.Equal(Cohort.Length + 1, lines.Length);
        Assert.Equal(csv, again); // the key is kept: the same patient, the same pseudonym
        var key = Convert.FromBase64String((await h.Db.ReadAsync(c => c.ExecuteScalarAsync<string>("SELECT key_base64 FROM pseudonym_keys")))!);
        foreach (var (patient, enrollment) in seeded)
        {
            var pseudonym = "p_" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(enrollment.PatientId.ToString()))[..16]);
            var line = Assert.Single(lines, l => l.StartsWith(pseudonym + ",", StringComparison.Ordinal)).Split(',');
            Assert.Equal(patient.PerformedAt.ToString("yyyy-MM"), line[6]);
            Assert.Equal(patient.Baseline?.ToString() ?? "", line[7]);
            Assert.Equal(patient.Day3?.ToString() ?? "", line[Array.IndexOf([.. PatientExtract.Header], "day3_pain_nrs")]);
            Assert.DoesNotContain(enrollment.PatientId.ToString(), csv);
            Assert.DoesNotContain(enrollment.EnrollmentId.ToString(), csv);
        }
        Assert.DoesNotContain("Ana", csv);
        Assert.DoesNotContain("mrn", lines[0]);
        Assert.DoesNotContain("+1555", csv);
        Assert.DoesNotContain("2026-01-", csv);
    }

    [Fact]
    public void Quantiles_from_counts_per_value_equal_quantiles_of_every_value()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, 11)).ToList();
            var counts = values.GroupBy(v => v).ToDictionary(g => g.Key, g => (long)g.Count());
            var sorted = values.Select(v => (double)v).Order().ToList();
            foreach (var p in new[] { 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1 })
                Assert.Equal(Statistics.Quantile(sorted, p), Statistics.QuantileOfCounts(counts, p)!.Value, 9);
        }
        Assert.Null(Statistics.QuantileOfCounts(new Dictionary<int, long>(), 0.5));
    }
}
