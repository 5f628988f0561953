using Dapper;
using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Surveys;

/// <summary>
/// Sends the provider cannot take now wait in Messaging's database, never in an error queue, and leave once it can:
/// outages back off, honour Retry-After and wake on the first success; a refusal of our own sender holds everything
/// but one probe; nothing is reported failed while the survey's window is open.
/// </summary>
public class DeferredSendTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static readonly SendOutcome Outage = new SendOutcome.Unavailable("Twilio answered 503");

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task An_outage_defers_the_send_with_its_request_and_the_loop_sends_it_once_when_due(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(Outage);
        var due = f.Due();

        await f.DispatchAsync(due); // no exception: nothing is left to the bus to retry
        var deferred = await f.DeliveryAsync(due.SurveyId);
        await f.DispatchAsync(due); // a redelivered copy leaves the deferred row to the loop
        var tooEarly = await f.RunDeferredAsync();
        await f.PassAsync(TimeSpan.FromSeconds(3));

        Assert.Equal((DeliveryStatuses.Deferred, DeliveryDeferralReasons.ProviderUnavailable, 1), (deferred.Status, deferred.DeferReason, deferred.Deferrals));
        Assert.NotNull(deferred.Request); // the SurveyDue it will be sent from
        Assert.InRange(deferred.NextAttemptAt!.Value - f.Clock.GetUtcNow() + TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
        Assert.Equal(0, tooEarly);
        Assert.Equal(2, f.Sms.Sent.Count);
        var published = await f.PublishedAsync<SurveyDeferred>();
        Assert.Equal((due.SurveyId, 0, DeliveryDeferralReasons.ProviderUnavailable), (published.Single().SurveyId, published.Single().Attempt, published.Single().Reason));
        Assert.Single(await f.PublishedAsync<SurveySent>());
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_settled_send_forgets_its_request_and_with_it_the_patients_contact_details(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(new SendOutcome.Rejected(DeliveryFailureReasons.InvalidNumber, "21211", "invalid"));
        var rejected = f.Due(phone: "+15551230007");
        var accepted = f.Due();

        await f.DispatchAsync(rejected);
        await f.DispatchAsync(accepted);

        Assert.Equal([DeliveryStatuses.Failed, DeliveryStatuses.Queued],
            [(await f.DeliveryAsync(rejected.SurveyId)).Status, (await f.DeliveryAsync(accepted.SurveyId)).Status]);
        Assert.All(new[] { await f.DeliveryAsync(rejected.SurveyId), await f.DeliveryAsync(accepted.SurveyId) }, d => Assert.Null(d.Request));
        await using var connection = await f.Db.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries WHERE request IS NOT NULL"));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task The_backoff_doubles_honours_Retry_After_and_is_capped(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Default = _ => Task.FromResult(Outage);
        var due = f.Due();
        await f.DispatchAsync(due);

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var row = await f.DeliveryAsync(due.SurveyId);
            var wait = row.NextAttemptAt!.Value - f.Clock.GetUtcNow();
            waits.Add(wait);
            await f.PassAsync(wait + TimeSpan.FromMilliseconds(1));
        }

        // 2, 4, 8, 16, 32, 64 s (±20 %), capped at a minute.
        Assert.All(waits.Select((w, i) => (w, expected: 2 * Math.Pow(2, i))),
            x => Assert.InRange(x.w.TotalSeconds, Math.Min(60, 0.8 * x.expected), Math.Min(60, 1.2 * x.expected)));
        Assert.Equal(TimeSpan.FromMinutes(1), waits[^1]);
        Assert.Equal(8, f.Sms.Sent.Count);
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(3600, 60)]
    public async Task A_Retry_After_longer_than_the_backoff_is_waited_for_up_to_the_cap(int retryAfterSeconds, int expectedSeconds)
    {
        await using var f = await MessagingFixture.CreateAsync(TestDatabase.Sqlite);
        f.Sms.Then(new SendOutcome.Unavailable("429", RetryAfter: TimeSpan.FromSeconds(retryAfterSeconds)));
        var due = f.Due();

        await f.DispatchAsync(due);

        Assert.Equal(f.Clock.GetUtcNow() + TimeSpan.FromSeconds(expectedSeconds), (await f.DeliveryAsync(due.SurveyId)).NextAttemptAt);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_send_that_gets_through_wakes_every_send_deferred_for_the_outage(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Default = _ => Task.FromResult(Outage);
        var waiting = Enumerable.Range(0, 3).Select(i => f.Due(phone: $"+1555123000{i}")).ToList();
        foreach (var due in waiting) await f.DispatchAsync(due);
        // Each backed off far: a minute and more.
        await using (var connection = await f.Db.OpenAsync())
            await connection.ExecuteAsync("UPDATE deliveries SET next_attempt_at = @later, deferrals = 8", new { later = f.Clock.GetUtcNow().AddMinutes(1) });

        f.Sms.Default = _ => Task.FromResult(FakeSmsGateway.Accepted());
        f.RealTime.Advance(TimeSpan.FromSeconds(1));
        await f.DispatchAsync(f.Due(phone: "+15551239999")); // the provider is back
        await f.RunDeferredAsync();

        Assert.Equal(4, (await f.PublishedAsync<SurveySent>()).Count);
        Assert.Equal(3 + 4, f.Sms.Sent.Count);
        Assert.All(await f.Senders.ListAsync(CancellationToken.None), s => Assert.Equal(SenderStates.Ok, s.State));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_deferred_send_is_reported_failed_only_when_its_window_closes(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Default = _ => Task.FromResult(Outage);
        var due = f.Due(expiresIn: TimeSpan.FromMinutes(10));
        await f.DispatchAsync(due);

        for (var i = 0; i < 9; i++) await f.PassAsync(TimeSpan.FromMinutes(1));
        var beforeClose = await f.PublishedAsync<SurveyDeliveryFailed>();
        await f.PassAsync(TimeSpan.FromMinutes(1));

        Assert.Empty(beforeClose);
        Assert.True(f.Sms.Sent.Count >= 9, $"{f.Sms.Sent.Count} tries in 9 minutes");
        var failed = Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal((due.SurveyId, DeliveryFailureReasons.ProviderUnavailable), (failed.SurveyId, failed.Reason));
        var row = await f.DeliveryAsync(due.SurveyId);
        Assert.Equal((DeliveryStatuses.Failed, (string?)null), (row.Status, row.Request));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_refused_sender_holds_every_send_logs_one_error_per_change_and_one_probe_finds_when_it_clears(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider, configure: o => o.Delivery.ProbeInterval = TimeSpan.FromSeconds(30));
        f.Sms.Then(new SendOutcome.SenderRefused("20003", "Twilio answered 401: Authentication failed"));
        var surveys = Enumerable.Range(0, 5).Select(i => f.Due(phone: $"+1555123000{i}")).ToList();

        foreach (var due in surveys) await f.DispatchAsync(due);
        var held = await f.Senders.ListAsync(CancellationToken.None);
        var turnsWhileHeld = f.Sms.TurnsTaken;
        await f.PassAsync(TimeSpan.FromSeconds(10));
        var callsBeforeProbe = f.Sms.Sent.Count;

        // The probe: exactly one send, refused again but for another reason (a new state, a new Error).
        f.Sms.Then(new SendOutcome.SenderRefused("21606", "Twilio answered 400: From number cannot send"));
        await f.PassAsync(TimeSpan.FromSeconds(21));
        var callsAfterFirstProbe = f.Sms.Sent.Count;
        await f.PassAsync(TimeSpan.FromSeconds(31)); // the next probe gets through and wakes the rest …
        await f.RunDeferredAsync(); // … which the next pass sends

        Assert.Equal((1, 1, 2), (turnsWhileHeld, callsBeforeProbe, callsAfterFirstProbe));
        var state = Assert.Single(held);
        Assert.Equal((SenderStates.Refused, "20003"), (state.State, state.ErrorCode));
        Assert.All(await f.PublishedAsync<SurveyDeferred>(), d => Assert.Equal(DeliveryDeferralReasons.SenderFault, d.Reason));
        Assert.Equal(surveys.Select(s => s.SurveyId).Order(), (await f.PublishedAsync<SurveySent>()).Select(s => s.SurveyId).Order());
        Assert.Equal(2 + surveys.Count, f.Sms.Sent.Count);
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal(2, f.Logs.Lines.Count(l => l.Level == LogLevel.Error));
        Assert.All(await f.Senders.ListAsync(CancellationToken.None), s => Assert.Equal(SenderStates.Ok, s.State));
    }
}
