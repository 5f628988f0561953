using System.Text.Json;
using PainPro.Contracts;
using PainPro.Ingestion.Http;
using PainPro.Ingestion.Outcomes;
using PainPro.Ingestion.Responses;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The monthly roll-up the dashboard reads gives exactly the figures computed straight from the tables — for whole and
/// part months, a procedure filter, months and quarters — and stays exact through every kind of write that changes them:
/// a new answer, a revised answer, a new enrollment in an old month, a rescheduled procedure, another response reduction.
/// The dashboard's cut of the trends (groups over the whole range only, read from the roll-up summed over months) is the
/// full trends less the groups' periods, and the summary the trends carry is the summary's.
/// </summary>
public sealed class OutcomeRollupTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Procedures = ["cementoplasty", "kyphoplasty", "vertebroplasty"];
    private static readonly string[] Facilities = ["Main", "North", "South"];
    private static readonly string?[] Surgeons = ["Dr. Lee", "Dr. Ruiz", null];

    private static readonly DateRange[] Ranges =
    [
        new(null, null),
        new(Start.AddDays(17).AddHours(5), Start.AddDays(131).AddHours(-3)), // starts and ends inside a month
        new(Start.AddMonths(1), Start.AddMonths(4)),                         // whole months
        new(Start.AddMonths(2).AddDays(3), Start.AddMonths(2).AddDays(20)),  // inside one month
        new(Start.AddDays(40), null),
        new(null, Start.AddDays(75)),
    ];

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_roll_up_gives_exactly_the_figures_computed_from_the_tables_through_every_kind_of_write(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var random = new Random(19);
        var surveys = new List<Guid>();
        var enrollments = new List<EnrollmentCreated>();
        for (var i = 0; i < 36; i++)
        {
            var (enrollment, due) = await EnrollAsync(h, random, Start.AddDays(random.Next(0, 150)).AddMinutes(random.Next(0, 1440)), i);
            enrollments.Add(enrollment);
            surveys.AddRange(due);
        }
        await AssertRollUpEqualsDirectAsync(h, "the seeded cohort");

        // A survey answered for the first time, and an answer revised by staff.
        var unanswered = surveys.First(s => h.SurveyAsync(s).Result is { Vas: null });
        await h.AnswerAsync(unanswered, ResponseSources.Web, new Answer(ItemCodes.Vas, 3), new Answer(ItemCodes.Analgesic, 1));
        await AssertRollUpEqualsDirectAsync(h, "a new answer");
        var answered = surveys.First(s => s != unanswered && h.SurveyAsync(s).Result is { Vas: not null });
        await h.AnswerAsync(answered, ResponseSources.Staff, new Answer(ItemCodes.Vas, 10));
        await AssertRollUpEqualsDirectAsync(h, "a revised answer");

        // A late registration filed in an old month, and a procedure moved to another month.
        await EnrollAsync(h, random, Start.AddDays(12), 99);
        await AssertRollUpEqualsDirectAsync(h, "a new enrollment in an old month");
        await h.ApplyAsync(new EnrollmentRescheduled(enrollments[0].EnrollmentId, enrollments[0].PerformedAt.AddDays(45)));
        await AssertRollUpEqualsDirectAsync(h, "a rescheduled procedure");

        // Another response reduction counts "reduced" again, month by month.
        await AssertRollUpEqualsDirectAsync(h, "a response reduction of 3", new IngestionOptions { Alerts = { ResponseReduction = 3 } });
    }

    [Theory]
    [InlineData("2026-01-17T05:00:00Z", "2026-05-11T21:00:00Z", "2026-02", "2026-05", "2026-01-17T05:00:00Z/2026-02-01T00:00:00Z 2026-05-01T00:00:00Z/2026-05-11T21:00:00Z")]
    [InlineData("2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z", "2026-02", "2026-05", "")]
    [InlineData("2026-03-04T00:00:00Z", "2026-03-21T00:00:00Z", "", "", "2026-03-04T00:00:00Z/2026-03-21T00:00:00Z")]
    [InlineData("2026-03-04T00:00:00Z", "2026-04-01T00:00:00Z", "", "", "2026-03-04T00:00:00Z/2026-04-01T00:00:00Z")]
    [InlineData(null, "2026-03-15T00:00:00Z", null, "2026-03", "2026-03-01T00:00:00Z/2026-03-15T00:00:00Z")]
    [InlineData("2026-03-15T00:00:00Z", null, "2026-04", null, "2026-03-15T00:00:00Z/2026-04-01T00:00:00Z")]
    public void A_range_is_whole_months_from_the_roll_up_and_its_part_months_read_directly(string? from, string? until, string? first,
        string? end, string parts)
    {
        var split = OutcomeRollup.Split(new DateRange(from is null ? null : DateTimeOffset.Parse(from), until is null ? null : DateTimeOffset.Parse(until)));

        Assert.Equal((first, end), (split.First, split.End));
        Assert.Equal(parts, string.Join(' ', split.Parts.Select(p => $"{p.From:yyyy-MM-dd'T'HH:mm:ss'Z'}/{p.Until:yyyy-MM-dd'T'HH:mm:ss'Z'}")));
    }

    private static async Task<(EnrollmentCreated, List<Guid>)> EnrollAsync(IngestionHarness h, Random random, DateTimeOffset performedAt, int i)
    {
        var enrollment = Fixtures.Enrollment(baselineVas: random.Next(5) == 0 ? null : random.Next(3, 11), procedureType: Procedures[i % 3],
            performedAt: performedAt, facility: Facilities[random.Next(3)]) with { Surgeon = Surgeons[random.Next(3)] };
        await h.ApplyAsync(enrollment);
        var surveys = new List<Guid>();
        foreach (var timepoint in new[] { Timepoints.Day3, Timepoints.Month1 })
        {
            var due = Fixtures.SurveyDue(enrollment, timepoint, Fixtures.VasAndAnalgesic, phone: null);
            await h.ApplyAsync(due);
            surveys.Add(due.SurveyId);
            if (random.Next(4) > 0)
                await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, random.Next(0, 11)), new Answer(ItemCodes.Analgesic, random.Next(1, 4)));
        }
        return (enrollment, surveys);
    }

    private static async Task AssertRollUpEqualsDirectAsync(IngestionHarness h, string after, IngestionOptions? options = null)
    {
        var monitor = new StaticOptionsMonitor<IngestionOptions>(options ?? new IngestionOptions());
        var rollup = new OutcomeRollup(h.Db);
        var trends = new OutcomeTrends(h.Db, rollup, monitor);
        var summary = new OutcomesSummary(rollup, monitor);
        foreach (var range in Ranges)
            foreach (var procedure in new[] { null, Procedures[1] })
            {
                var what = $"after {after}, {range}, {procedure ?? "all procedures"}";
                var direct = Json(await summary.RunAsync(procedure, range, direct: true));
                Assert.True(direct == Json(await summary.RunAsync(procedure, range)), $"summary {what}");
                foreach (var period in new[] { OutcomeTrends.Month, OutcomeTrends.Quarter })
                {
                    var all = await trends.RunAsync(procedure, range, period);
                    Assert.True(Json(await trends.RunAsync(procedure, range, period, direct: true)) == Json(all), $"trends by {period} {what}");
                    // The dashboard's cut: the same cells less the groups' periods, from the roll-up summed over months.
                    var dashboard = await trends.RunAsync(procedure, range, period, groupsByPeriod: false);
                    Assert.True(Json(await trends.RunAsync(procedure, range, period, direct: true, groupsByPeriod: false)) == Json(dashboard),
                        $"trends by {period} without the groups' periods {what}");
                    Assert.True(Json(WithoutGroupsPeriods(all)) == Json(dashboard), $"trends by {period}, the groups' periods left out {what}");
                    Assert.True(direct == Json(all.Summary) && direct == Json(dashboard.Summary), $"the trends' summary {what}");
                }
            }
        // The roll-up was read, not bypassed: nothing is left stale once it has answered.
        Assert.Equal(0, await h.CountAsync("outcome_months_stale"));
        Assert.True(await h.CountAsync("outcome_rollup") > 0);
    }

    private static OutcomeTrendsView WithoutGroupsPeriods(OutcomeTrendsView view) => view with
    {
        Outcomes = [.. view.Outcomes.Where(c => c.Dimension == TrendDimensions.All || c.Period is null)],
        Alerts = [.. view.Alerts.Where(c => c.Dimension == TrendDimensions.All || c.Period is null)],
    };

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
