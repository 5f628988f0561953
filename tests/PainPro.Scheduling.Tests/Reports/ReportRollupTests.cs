using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using PainPro.Scheduling.Reports;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Reports;

/// <summary>
/// The monthly roll-up behind the dashboard's enrollment counts and response funnel gives exactly the counts computed
/// straight from the tables — for whole and part months, a procedure filter and open-ended ranges — and stays exact
/// through every kind of write that changes them: a send, a reminder, an answer, an expiry (written straight to the
/// table, as the triggers must catch any writer), a cancelled enrollment, a rescheduled procedure, a late registration.
/// </summary>
public sealed class ReportRollupTests
{
    private static readonly string[] Procedures = ["cementoplasty", "kyphoplasty", "vertebroplasty"];

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_roll_up_gives_exactly_the_counts_computed_from_the_tables_through_every_kind_of_write(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var now = scheduling.Now;
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-5);
        var random = new Random(19);
        var enrollments = new List<Guid>();
        for (var i = 0; i < 30; i++)
            enrollments.Add((await scheduling.RegisterAsync(Body($"EHR-{i}", start.AddDays(random.Next(0, 140)).AddMinutes(random.Next(0, 1440)), i))).EnrollmentId);
        var surveys = (await scheduling.Db.ReadAsync(c => c.QueryAsync<Guid>("SELECT id FROM surveys"))).Order().ToList();
        foreach (var survey in surveys) await SetStateAsync(scheduling, survey, random.Next(6), now);
        var rollup = new ReportRollup(scheduling.Db);
        DateRange[] ranges =
        [
            new(null, null),
            new(start.AddDays(17).AddHours(5), start.AddDays(131).AddHours(-3)), // starts and ends inside a month
            new(start.AddMonths(1), start.AddMonths(4)),                         // whole months
            new(start.AddMonths(2).AddDays(3), start.AddMonths(2).AddDays(20)),  // inside one month
            new(start.AddDays(40), null),
            new(null, start.AddDays(75)),
        ];
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "the seeded cohort");

        // Sends, a reminder, an answer and an expiry, written as the dispatch and the consumers write them.
        await SetStateAsync(scheduling, surveys[0], 1, now);
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "a send");
        await SetStateAsync(scheduling, surveys[0], 2, now);
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "a reminder");
        await SetStateAsync(scheduling, surveys[1], 3, now);
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "an answer");
        await SetStateAsync(scheduling, surveys[2], 5, now);
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "an expiry");

        // A cancelled enrollment, a procedure moved to another month, a late registration in an old month.
        (await scheduling.Client.PostAsJsonAsync($"/api/enrollments/{enrollments[3]}/cancel", new { reason = "patient-request" })).EnsureSuccessStatusCode();
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "a cancelled enrollment");
        var moved = await scheduling.GetEnrollmentAsync(enrollments[4]);
        (await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollments[4]}",
            new { performedAt = Iso(moved.Procedure.PerformedAt < start.AddMonths(2) ? start.AddMonths(3).AddDays(9) : start.AddDays(9)) })).EnsureSuccessStatusCode();
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "a rescheduled procedure");
        await scheduling.RegisterAsync(Body("EHR-late", start.AddDays(12), 99));
        await AssertRollUpEqualsDirectAsync(scheduling, rollup, ranges, "a late registration in an old month");
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_reports_answer_the_same_counts_as_the_tables_over_http(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var now = scheduling.Now;
        var random = new Random(7);
        for (var i = 0; i < 12; i++) await scheduling.RegisterAsync(Body($"EHR-{i}", now.AddDays(-random.Next(5, 120)), i));
        foreach (var survey in await scheduling.Db.ReadAsync(c => c.QueryAsync<Guid>("SELECT id FROM surveys")))
            await SetStateAsync(scheduling, survey, random.Next(6), now);
        var (from, to) = (now.AddDays(-100), now.AddDays(-10));
        var query = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";

        var funnel = await scheduling.Client.GetFromJsonAsync<List<FunnelStage>>($"/api/reports/delivery-funnel?{query}", Json.Options);
        var counts = await scheduling.Client.GetFromJsonAsync<List<EnrollmentCount>>($"/api/reports/enrollments?{query}", Json.Options);

        var rollup = new ReportRollup(scheduling.Db);
        var (fromAt, untilAt) = (Day(from), Day(to).AddDays(1));
        Assert.Equal(Serialized(DeliveryFunnel.Stages(await rollup.FunnelAsync(null, fromAt, untilAt, direct: true))), Serialized(funnel!));
        Assert.Equal(Serialized(DeliveryFunnel.EnrollmentCounts(await rollup.StatusesAsync(null, fromAt, untilAt, direct: true))),
            Serialized(counts!));
        Assert.True(funnel!.Sum(s => s.Due) > 0 && counts!.Sum(c => c.Count) > 0, "the range holds surveys and enrollments");
    }

    private sealed record DateRange(DateTimeOffset? From, DateTimeOffset? Until);

    private static DateTimeOffset Day(DateTimeOffset at) => new(at.Year, at.Month, at.Day, 0, 0, 0, TimeSpan.Zero);

    private static async Task AssertRollUpEqualsDirectAsync(SchedulingHost scheduling, ReportRollup rollup, IEnumerable<DateRange> ranges, string after)
    {
        foreach (var range in ranges)
            foreach (var procedure in new[] { null, Procedures[1] })
            {
                var what = $"after {after}, {range}, {procedure ?? "all procedures"}";
                Assert.True(Serialized(DeliveryFunnel.Stages(await rollup.FunnelAsync(procedure, range.From, range.Until, direct: true)))
                    == Serialized(DeliveryFunnel.Stages(await rollup.FunnelAsync(procedure, range.From, range.Until))), $"funnel {what}");
                Assert.True(Serialized(DeliveryFunnel.EnrollmentCounts(await rollup.StatusesAsync(procedure, range.From, range.Until, direct: true)))
                    == Serialized(DeliveryFunnel.EnrollmentCounts(await rollup.StatusesAsync(procedure, range.From, range.Until))), $"enrollments {what}");
            }
        // The roll-up was read, not bypassed: nothing is left stale once it has answered.
        Assert.Equal(0, await CountAsync(scheduling, "report_months_stale"));
        Assert.True(await CountAsync(scheduling, "funnel_rollup") > 0);
        Assert.True(await CountAsync(scheduling, "enrollment_status_rollup") > 0);
    }

    private static Task<long> CountAsync(SchedulingHost scheduling, string table) =>
        scheduling.Db.ReadAsync(c => c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}"));

    /// <summary>0 scheduled, 1 sent, 2 reminded, 3 answered, 4 answered after a reminder, 5 expired after a send.</summary>
    private static Task SetStateAsync(SchedulingHost scheduling, Guid survey, int state, DateTimeOffset now)
    {
        var (status, sent, last) = state switch
        {
            0 => ("scheduled", (DateTimeOffset?)null, (DateTimeOffset?)null),
            1 => ("sent", now.AddDays(-3), now.AddDays(-3)),
            2 => ("reminded", now.AddDays(-3), now.AddDays(-2)),
            3 => ("completed", now.AddDays(-3), now.AddDays(-3)),
            4 => ("completed", now.AddDays(-3), now.AddDays(-2)),
            _ => ("expired", now.AddDays(-3), now.AddDays(-3)),
        };
        return scheduling.Db.InTransactionAsync(s => s.ExecuteAsync(
            "UPDATE surveys SET status = @status, first_sent_at = @sent, last_sent_at = @last WHERE id = @survey",
            new { status, sent, last, survey }));
    }

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static object Body(string externalId, DateTimeOffset performedAt, int i) => new
    {
        externalId,
        patient = new { mrn = $"{400000 + i}", givenName = "Pat", familyName = $"Roll{i}", phone = $"+1555123{i:0000}", preferredChannel = "sms", locale = "en", timeZone = "America/New_York" },
        procedure = new { type = Procedures[i % 3], bodySite = "femur", performedAt = Iso(performedAt), facility = "Main", surgeon = "Dr. Lee" },
        baseline = new { vas = 7 },
    };

    private static string Serialized(object value) => JsonSerializer.Serialize(value);
}
