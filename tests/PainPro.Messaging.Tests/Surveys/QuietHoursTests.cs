using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Surveys;

/// <summary>Quiet hours at the moment of sending: local time, the facility's window, daylight saving, half-hour zones.</summary>
public class QuietHoursTests
{
    private static readonly QuietHours Rules = new(Options.Create(new MessagingOptions()));

    private static SurveyDue Due(string zone, int? start = null, int? end = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Timepoints.Day3, [InstrumentCodes.Vas], Channels.Sms,
            new Contact("Ana", "+15551230001", null), "en", zone, "token", DateTimeOffset.MaxValue, 0, start, end);

    [Theory]
    [InlineData("Asia/Kolkata", "2026-11-20T13:29:30Z", null)] // 18:59:30 IST: the margin (10 s) still fits
    [InlineData("Asia/Kolkata", "2026-11-20T13:29:55Z", "2026-11-21T03:30:00Z")] // 18:59:55: a request could land after 19:00
    [InlineData("Asia/Kolkata", "2026-11-20T13:30:00Z", "2026-11-21T03:30:00Z")] // 19:00:00 IST → 09:00 IST tomorrow
    [InlineData("Asia/Kolkata", "2026-11-20T03:29:59Z", "2026-11-20T03:30:00Z")] // 08:59:59 IST → 09:00 today
    [InlineData("Asia/Kolkata", "2026-11-20T03:30:00Z", null)]
    // 19:30 EST the evening before the clocks go forward: 09:00 EDT is 13:00 UTC, not 14:00.
    [InlineData("America/New_York", "2026-03-08T00:30:00Z", "2026-03-08T13:00:00Z")]
    // 19:30 EDT the evening before the clocks go back: 09:00 EST is 14:00 UTC.
    [InlineData("America/New_York", "2026-10-31T23:30:00Z", "2026-11-01T14:00:00Z")]
    public void A_text_starts_only_inside_09_to_19_local_with_room_to_arrive(string zone, string now, string? heldUntil)
    {
        var hold = Rules.HoldUntil(Due(zone), DateTimeOffset.Parse(now));

        Assert.Equal(heldUntil is null ? null : DateTimeOffset.Parse(heldUntil), hold);
    }

    [Fact]
    public void The_facilitys_window_in_the_SurveyDue_wins_over_the_default()
    {
        var threeAm = DateTimeOffset.Parse("2026-11-20T03:00:00Z");

        Assert.Null(Rules.HoldUntil(Due("Etc/UTC", 0, 24 * 60), threeAm));
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T10:00:00Z"), Rules.HoldUntil(Due("Etc/UTC", 10 * 60, 18 * 60 + 30), threeAm));
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T09:00:00Z"), Rules.HoldUntil(Due("Etc/UTC"), threeAm));
    }

    [Fact]
    public void A_window_opening_inside_a_daylight_saving_gap_opens_when_the_gap_ends()
    {
        // Europe/London, 29 March 2026: 01:00 GMT jumps to 02:00 BST. A window starting 01:30 opens at 02:00 BST.
        var hold = Rules.HoldUntil(Due("Europe/London", 90, 19 * 60), DateTimeOffset.Parse("2026-03-28T22:00:00Z"));

        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:00:00Z"), hold);
    }

    [Theory]
    [InlineData("09:00", "19:00", true)]
    [InlineData("00:00", "24:00", true)]
    [InlineData("19:00", "09:00", false)]
    [InlineData("24:00", "24:00", false)]
    [InlineData("9", "19:00", false)]
    [InlineData("09:60", "19:00", false)]
    public void Configured_windows_are_read_as_HH_mm(string start, string end, bool valid) =>
        Assert.Equal(valid, QuietHours.TryParseWindow(start, end, out _, out _));

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_survey_claimed_before_19_00_whose_turn_comes_after_is_deferred_to_09_00_and_sent_then(string provider)
    {
        // 18:59:30 in Kolkata; the rate-limit turn takes 40 s, so the text would leave at 19:00:10.
        await using var f = await MessagingFixture.CreateAsync(provider, DateTimeOffset.Parse("2026-11-20T13:29:30Z"));
        f.Sms.Turn = _ => { f.RealTime.Advance(TimeSpan.FromSeconds(40)); return Task.CompletedTask; };
        var due = f.Due(timeZone: "Asia/Kolkata");

        await f.DispatchAsync(due);
        var deferred = await f.DeliveryAsync(due.SurveyId);
        f.Sms.Turn = _ => Task.CompletedTask;
        await f.PassAsync(TimeSpan.FromHours(13)); // 08:00:10 IST
        var before = f.Sms.Sent.Count;
        await f.PassAsync(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(50)); // 09:00:00 IST

        Assert.Equal((DeliveryStatuses.Deferred, DeliveryDeferralReasons.QuietHours), (deferred.Status, deferred.DeferReason));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T03:30:00Z"), deferred.NextAttemptAt);
        Assert.Equal(0, before);
        Assert.Single(f.Sms.Sent);
        var held = Assert.Single(await f.PublishedAsync<SurveyDeferred>());
        Assert.Equal((DeliveryDeferralReasons.QuietHours, DateTimeOffset.Parse("2026-11-21T03:30:00Z")), (held.Reason, held.NextAttemptAt));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T03:30:00Z"), Assert.Single(await f.PublishedAsync<SurveySent>()).SentAt);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_survey_due_at_night_is_deferred_without_waiting_for_a_turn(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider, DateTimeOffset.Parse("2026-11-20T22:00:00Z"));

        await f.DispatchAsync(f.Due(timeZone: "Europe/London"));
        await f.DispatchAsync(f.Due(timeZone: "Europe/London", attempt: 1));

        Assert.Equal(0, f.Sms.TurnsTaken);
        Assert.Empty(f.Sms.Sent);
        Assert.All(await f.PublishedAsync<SurveyDeferred>(), d => Assert.Equal(DateTimeOffset.Parse("2026-11-21T09:00:00Z"), d.NextAttemptAt));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_send_resumed_after_a_crash_at_night_waits_for_the_morning(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider, DateTimeOffset.Parse("2026-11-20T18:58:00Z"));
        f.Sms.Then(_ => throw new IOException("process killed mid-call"));
        var due = f.Due(timeZone: "Europe/London");
        await Assert.ThrowsAsync<IOException>(() => f.DispatchAsync(due));

        f.RealTime.Advance(TimeSpan.FromMinutes(11)); // the lease lapses at 19:09
        await f.Sweeper().RunDueAsync(CancellationToken.None);

        Assert.Single(f.Sms.Sent); // only the call the crash cut off
        var row = await f.DeliveryAsync(due.SurveyId);
        Assert.Equal((DeliveryStatuses.Deferred, DateTimeOffset.Parse("2026-11-21T09:00:00Z")), (row.Status, row.NextAttemptAt));
    }
}
