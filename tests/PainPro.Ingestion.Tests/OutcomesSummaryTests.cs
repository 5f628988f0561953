using PainPro.Contracts;
using PainPro.Ingestion.Http;
using PainPro.Ingestion.Outcomes;
using PainPro.Ingestion.Responses;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The outcomes summary of a fixture cohort against figures the test computes itself from the same raw answers
/// (two-pass mean and SD, quartiles by Excel's QUARTILE.INC rank rule), on both dialects.
/// </summary>
public sealed class OutcomesSummaryTests
{
    private const string Procedure = "kyphoplasty";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A follow-up survey of the cohort: null answers = sent, never answered.</summary>
    private sealed record FixtureSurvey(string Timepoint, int? Vas, int? Analgesic, int? Msts);

    private sealed record FixturePatient(int? ClinicBaseline, int? SurveyedBaseline, DateTimeOffset PerformedAt, string ProcedureType, FixtureSurvey[] Surveys);

    private static readonly FixturePatient[] Cohort =
    [
        new(8, null, Start.AddDays(1), Procedure,
            [new(Timepoints.Day3, 5, 2, null), new(Timepoints.Month1, 3, 1, 20), new(Timepoints.Month3, 2, 1, 24)]),
        new(6, null, Start.AddDays(3), Procedure,
            [new(Timepoints.Day3, 9, 2, null), new(Timepoints.Month1, 6, 3, 15), new(Timepoints.Month3, null, null, null)]),
        new(null, 7, Start.AddDays(5), Procedure,
            [new(Timepoints.Day3, 7, 2, null), new(Timepoints.Month1, null, null, null), new(Timepoints.Month3, 4, 1, 18)]),
        new(5, null, Start.AddDays(8), Procedure,
            [new(Timepoints.Day3, 3, null, null), new(Timepoints.Month1, 0, 1, 28), new(Timepoints.Month3, 1, 1, 29)]),
        new(9, null, Start.AddDays(13), Procedure,
            [new(Timepoints.Day3, 8, 3, null), new(Timepoints.Month1, 8, 2, 10), new(Timepoints.Month3, 6, 2, 12)]),
        new(null, null, Start.AddDays(20), Procedure,
            [new(Timepoints.Day3, 2, 1, null)]),
        // Outside the filter: another procedure type, and the same type before the range.
        new(2, null, Start.AddDays(2), "cementoplasty", [new(Timepoints.Day3, 9, 3, null)]),
        new(7, null, Start.AddDays(-40), Procedure, [new(Timepoints.Day3, 1, 1, null)]),
    ];

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Summary_of_the_fixture_cohort_equals_the_independently_computed_figures(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        await SeedAsync(h);
        var summary = new OutcomesSummary(new OutcomeRollup(h.Db), new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));

        var rows = await summary.RunAsync(Procedure, new DateRange(Start, Start.AddDays(31)));

        var included = Cohort.Where(p => p.ProcedureType == Procedure && p.PerformedAt >= Start && p.PerformedAt < Start.AddDays(31)).ToList();
        Assert.Equal(Timepoints.All, rows.Select(r => r.Timepoint));
        foreach (var row in rows) AssertRow(Expect(row.Timepoint, included), row);
    }

    [Fact]
    public async Task Without_filters_every_enrollment_counts_and_an_empty_timepoint_has_no_statistics()
    {
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite);
        await SeedAsync(h);
        var summary = new OutcomesSummary(new OutcomeRollup(h.Db), new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));

        var all = await summary.RunAsync(null, new DateRange(null, null));
        var none = await summary.RunAsync("resection", new DateRange(null, null));

        foreach (var row in all) AssertRow(Expect(row.Timepoint, Cohort), row);
        Assert.All(none, row => Assert.Equal((0L, 0L, (double?)null, 0L, (double?)null, (double?)null),
            (row.SurveysSent, row.Answered, row.ResponseRate, row.Vas.N, row.Vas.Mean, row.Vas.Median)));
    }

    private static async Task SeedAsync(IngestionHarness h)
    {
        foreach (var patient in Cohort)
        {
            var enrollment = Fixtures.Enrollment(baselineVas: patient.ClinicBaseline, procedureType: patient.ProcedureType, performedAt: patient.PerformedAt);
            await h.ApplyAsync(enrollment);
            if (patient.SurveyedBaseline is { } surveyed)
            {
                var baseline = Fixtures.SurveyDue(enrollment, Timepoints.Baseline, [InstrumentCodes.Vas], phone: null);
                await h.ApplyAsync(baseline);
                await h.AnswerAsync(baseline.SurveyId, ResponseSources.Sms, new Answer(ItemCodes.Vas, surveyed));
            }
            foreach (var survey in patient.Surveys)
            {
                var due = Fixtures.SurveyDue(enrollment, survey.Timepoint,
                    survey.Timepoint == Timepoints.Day3 ? Fixtures.VasAndAnalgesic : Fixtures.WithMstsLower, phone: null);
                await h.ApplyAsync(due);
                var answers = new List<Answer>();
                if (survey.Vas is { } vas) answers.Add(new Answer(ItemCodes.Vas, vas));
                if (survey.Analgesic is { } analgesic) answers.Add(new Answer(ItemCodes.Analgesic, analgesic));
                if (survey.Msts is { } msts)
                    answers.AddRange(AlertVignetteTests.AnswersOf(new Visit(survey.Timepoint, 0, 1, msts)).Where(a => ItemCodes.IsMsts(a.Item)));
                if (answers.Count > 0) await h.AnswerAsync(due.SurveyId, ResponseSources.Web, [.. answers]);
            }
        }
    }

    private sealed record ExpectedRow(int Sent, int Answered, List<int> Vas, List<(int Baseline, int Vas)> Paired, List<int> Msts, List<string> Classes);

    private static ExpectedRow Expect(string timepoint, IReadOnlyList<FixturePatient> patients)
    {
        if (timepoint == Timepoints.Baseline)
        {
            var baselines = patients.Select(p => p.ClinicBaseline ?? p.SurveyedBaseline).OfType<int>().ToList();
            var surveyed = patients.Count(p => p.SurveyedBaseline is not null);
            return new ExpectedRow(surveyed, surveyed, baselines, [], [], []);
        }
        var surveys = patients.SelectMany(p => p.Surveys.Where(s => s.Timepoint == timepoint).Select(s => (Patient: p, Survey: s))).ToList();
        var withVas = surveys.Where(x => x.Survey.Vas is not null).ToList();
        var paired = withVas
            .Where(x => (x.Patient.ClinicBaseline ?? x.Patient.SurveyedBaseline) is not null)
            .Select(x => ((x.Patient.ClinicBaseline ?? x.Patient.SurveyedBaseline)!.Value, x.Survey.Vas!.Value))
            .ToList();
        var classes = withVas
            .Where(x => (x.Patient.ClinicBaseline ?? x.Patient.SurveyedBaseline) is not null && x.Survey.Analgesic is not null)
            .Select(x => Scoring.Consensus((x.Patient.ClinicBaseline ?? x.Patient.SurveyedBaseline)!.Value, x.Survey.Vas!.Value,
                Scoring.AnalgesicChange(x.Survey.Analgesic!.Value))!.Value.ToCode())
            .ToList();
        return new ExpectedRow(
            surveys.Count,
            surveys.Count(x => x.Survey.Vas is not null || x.Survey.Analgesic is not null || x.Survey.Msts is not null),
            [.. withVas.Select(x => x.Survey.Vas!.Value)],
            paired,
            [.. surveys.Select(x => x.Survey.Msts).OfType<int>()],
            classes);
    }

    private static void AssertRow(ExpectedRow expected, TimepointSummary actual)
    {
        Assert.Equal(expected.Sent, actual.SurveysSent);
        Assert.Equal(expected.Answered, actual.Answered);
        AssertClose(expected.Sent == 0 ? null : (double)expected.Answered / expected.Sent, actual.ResponseRate);

        var vas = expected.Vas.Select(v => (double)v).ToList();
        Assert.Equal(vas.Count, actual.Vas.N);
        AssertClose(vas.Count == 0 ? null : vas.Average(), actual.Vas.Mean);
        AssertClose(vas.Count < 2 ? null : Math.Sqrt(vas.Sum(v => (v - vas.Average()) * (v - vas.Average())) / (vas.Count - 1)), actual.Vas.Sd);
        AssertClose(QuartileInc(vas, 2), actual.Vas.Median);
        AssertClose(QuartileInc(vas, 1), actual.Vas.Q1);
        AssertClose(QuartileInc(vas, 3), actual.Vas.Q3);

        AssertClose(actual.Timepoint == Timepoints.Baseline || expected.Paired.Count == 0 ? null
            : (double)expected.Paired.Count(p => p.Baseline - p.Vas >= 2) / expected.Paired.Count, actual.ReductionShare);
        Assert.Equal(expected.Msts.Count, actual.Msts.N);
        AssertClose(expected.Msts.Count == 0 ? null : expected.Msts.Average(), actual.Msts.Mean);
        Assert.Equal(
            (expected.Classes.Count(c => c == "complete"), expected.Classes.Count(c => c == "partial"),
             expected.Classes.Count(c => c == "progression"), expected.Classes.Count(c => c == "indeterminate")),
            ((int)actual.Consensus.Complete, (int)actual.Consensus.Partial, (int)actual.Consensus.Progression, (int)actual.Consensus.Indeterminate));
    }

    /// <summary>Excel's QUARTILE.INC: the value at 1-based rank 1 + quart/4 × (n − 1), interpolated between neighbours.</summary>
    private static double? QuartileInc(List<double> values, int quart)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var rank = 1 + quart / 4.0 * (sorted.Length - 1);
        var below = (int)rank;
        var fraction = rank - below;
        return below >= sorted.Length ? sorted[^1] : sorted[below - 1] + fraction * (sorted[below] - sorted[below - 1]);
    }

    private static void AssertClose(double? expected, double? actual)
    {
        if (expected is null) { Assert.Null(actual); return; }
        Assert.NotNull(actual);
        Assert.Equal(expected.Value, actual.Value, 2);
    }
}
