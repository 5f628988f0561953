using System.Globalization;
using System.Text;
using NodaTime;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.ServiceDefaults.Clock;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// A burst of surveys due at 18:59 local is claimed just before the window closes, in two zones whose 19:00 are half an
/// hour apart (Asia/Dhaka +06:00, Asia/Kolkata +05:30). Messaging's rate limit cannot send them all before 19:00: not one
/// text leaves after 19:00 local, the rest wait (the enrollment API says so, and until when) and all leave at 09:00 the
/// next morning, each once — Kolkata's not at Dhaka's 09:00 (08:30 in Kolkata). Every service runs on the dev clock,
/// moved as one; the Twilio double stamps each text on the same business time.
/// </summary>
public class QuietHoursAtSendTests
{
    private static readonly LocalTime Close = new(19, 0), Open = new(9, 0), Due = new(18, 59);

    [Fact]
    public async Task Surveys_due_at_18_59_local_send_nothing_after_19_00_and_the_rest_leave_at_09_00()
    {
        var perZone = DeliveryFaultSizes.QuietHoursSurveysPerZone;
        var lead = DeliveryFaultSizes.QuietHoursLead;
        var rate = DeliveryFaultSizes.QuietHoursRatePerSecond;
        using var entry = Ledger.Open("faults.quiet-hours", Ledger.Faults,
            $"{2 * perZone:N0} surveys due at 18:59 local (Asia/Dhaka and Asia/Kolkata, +05:30), claimed at 18:59:{60 - lead.TotalSeconds:00}, sent at {rate:0}/s");
        await using var cluster = await FaultCluster.StartAsync(new Dictionary<string, string?>
        {
            ["PainPro:Messaging:Twilio:RatePerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
        }, simulatedClock: true);
        var businessTime = new SimulatedClock();
        cluster.Twilio.Clock = businessTime;

        var zones = new[] { DateTimeZoneProviders.Tzdb["Asia/Dhaka"], DateTimeZoneProviders.Tzdb["Asia/Kolkata"] };
        // The first evening whose burst is still ahead of the clock (which only moves forward).
        var day = Instant.FromDateTimeOffset(cluster.Now).InZone(zones[0]).Date;
        if (At(day, Close, zones[0]) - lead < cluster.Now + TimeSpan.FromMinutes(5)) day = day.PlusDays(1);
        var cohorts = new List<IReadOnlyList<Patient>>();
        foreach (var zone in zones)
            cohorts.Add(await cluster.EnrollAsync(perZone, withEmail: false, chunk => Csv(chunk, zone, At(day.PlusDays(-3), Due, zone))));
        var zoneOf = zones.SelectMany((zone, i) => cohorts[i].Select(p => (p.Phone, zone))).ToDictionary(x => x.Phone, x => x.zone);
        var everyone = cohorts.SelectMany(c => c).ToList();

        async Task AdvanceToAsync(DateTimeOffset target)
        {
            var by = target - cluster.Now;
            Assert.True(by > TimeSpan.Zero, $"the clock is already past {target:O}");
            // The double's clock first: the services start sending the moment theirs moves. (Nothing is in flight now.)
            businessTime.Advance(by);
            await cluster.AdvanceClockAsync(by);
        }

        // Each evening: claimed at 18:59:30 (or :40), and left until 19:00 has passed and every survey is sent or waiting.
        for (var z = 0; z < zones.Length; z++)
        {
            var close = At(day, Close, zones[z]);
            await AdvanceToAsync(close - lead);
            await WaitUntilSentOrDeferredAsync(cluster, cohorts[z], close, lead + TimeSpan.FromSeconds(90));
        }
        var night = await Day3Statuses.ReadAsync(cluster);
        var textedInTheEvening = cluster.AcceptedTexts(everyone).Keys.ToHashSet();

        // Each morning at 09:00 local, Dhaka's first: Kolkata's 08:30 must not release Kolkata's texts.
        var releasedEarly = 0;
        for (var z = 0; z < zones.Length; z++)
        {
            await AdvanceToAsync(At(day.PlusDays(1), Open, zones[z]));
            var cohort = cohorts[z];
            await Eventually.TrueAsync(() => Task.FromResult(cluster.AcceptedTexts(cohort).Count == cohort.Count),
                $"{zones[z].Id}'s surveys sent in the morning", TimeSpan.FromSeconds(cohort.Count / rate + 90));
            if (z == 0) releasedEarly = cluster.AcceptedTexts(cohorts[1]).Count - cohorts[1].Count(p => textedInTheEvening.Contains(p.Phone));
        }
        var account = await cluster.SettleAsync(everyone, [], TimeSpan.FromSeconds(60));

        var texts = cluster.Twilio.AcceptedMessages.Where(m => m.To is not null && zoneOf.ContainsKey(m.To)).ToList();
        var local = texts.Select(m => (Text: m, At: Instant.FromDateTimeOffset(m.ReceivedOnClock).InZone(zoneOf[m.To!]).LocalDateTime)).ToList();
        var afterClose = local.Count(t => t.At.TimeOfDay >= Close || t.At.TimeOfDay < Open);
        var evening = local.Where(t => t.At.Date == day).ToList();
        var morning = local.Where(t => t.At.Date == day.PlusDays(1)).ToList();
        var morningSpan = TimeSpan.FromSeconds(perZone / rate + 60);
        var lateInTheMorning = morning.Count(t => t.At.TimeOfDay > Open.PlusSeconds((long)morningSpan.TotalSeconds));
        var waiting = everyone.Where(p => !textedInTheEvening.Contains(p.Phone)).ToList();
        var shownWaiting = waiting.Count(p => night[p.ExternalId] is { Status: "deferred", DeliveryReason: "quiet-hours" } shown
            && shown.NextAttemptAt == At(day.PlusDays(1), Open, zoneOf[p.Phone]));

        entry.Count("texts before 19:00 local", evening.Count)
            .Count("texts after 19:00 local", afterClose)
            .Count("surveys held overnight", waiting.Count)
            .Count("of which the enrollment API showed deferred until 09:00 local", shownWaiting)
            .Count("texts at the next 09:00 local", morning.Count)
            .Count("Kolkata texts released at Dhaka's 09:00", releasedEarly);
        account.AssertExactlyOnce(entry);
        Assert.Equal(0, afterClose);
        Assert.Equal(everyone.Count, evening.Count + morning.Count);
        // The burst straddled the close in both zones: some went, some waited.
        Assert.All(cohorts, cohort =>
        {
            Assert.Contains(cohort, p => textedInTheEvening.Contains(p.Phone));
            Assert.Contains(cohort, p => !textedInTheEvening.Contains(p.Phone));
        });
        Assert.Equal(waiting.Count, shownWaiting);
        Assert.Equal(waiting.Count, morning.Count);
        Assert.Equal(0, lateInTheMorning);
        Assert.Equal(0, releasedEarly);
        await Queues.AssertNoErrorQueueHoldsMessagesAsync(cluster);
        cluster.AssertNoPatientDetailsLogged(everyone);
        entry.Pass();
    }

    /// <summary>
    /// Waits until the business clock is past <paramref name="close"/> and every survey of the cohort has either left
    /// (Twilio took it) or waits in Messaging's database, none in flight: the evening's burst is over.
    /// </summary>
    private static Task WaitUntilSentOrDeferredAsync(FaultCluster cluster, IReadOnlyList<Patient> cohort, DateTimeOffset close, TimeSpan within) =>
        Eventually.TrueAsync(async () =>
        {
            if (cluster.Now < close + TimeSpan.FromSeconds(2)) return false;
            var phones = cohort.Select(p => p.Phone).ToArray();
            var settled = await Sql.ScalarAsync<long>(cluster.Db,
                "SELECT COUNT(*) FROM messaging.deliveries WHERE recipient = ANY(@phones) AND status IN ('queued', 'deferred')", new { phones });
            return settled == cohort.Count;
        }, "the evening's burst to be sent or deferred", within);

    private static DateTimeOffset At(LocalDate date, LocalTime time, DateTimeZone zone) =>
        date.At(time).InZoneStrictly(zone).ToDateTimeOffset();

    /// <summary>Import rows for procedures at <paramref name="performedAt"/> in <paramref name="zone"/>: day 3 is due at 18:59 local on the test's day.</summary>
    private static string Csv(IEnumerable<Patient> patients, DateTimeZone zone, DateTimeOffset performedAt)
    {
        var csv = new StringBuilder(Procedures.CsvHeader).Append('\n');
        foreach (var p in patients)
            csv.Append(CultureInfo.InvariantCulture,
                $"{p.ExternalId},{p.Mrn},{p.GivenName},{p.FamilyName},{p.Phone},,sms,en,{zone.Id},cementoplasty,femur,{performedAt:yyyy-MM-ddTHH:mm:sszzz},Main,Dr. Lee,6,{performedAt.AddHours(-5):yyyy-MM-ddTHH:mm:sszzz}\n");
        return csv.ToString();
    }
}
