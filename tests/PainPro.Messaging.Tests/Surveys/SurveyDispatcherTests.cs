using Dapper;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Surveys;

public class SurveyDispatcherTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_due_SMS_survey_is_texted_once_and_SurveySent_carries_the_provider_id(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var due = f.Due();

        await f.DispatchAsync(due);

        var sms = Assert.Single(f.Sms.Sent);
        Assert.Equal("+15551230001", sms.To);
        Assert.StartsWith("Hi Ana,", sms.Body);
        Assert.Equal($"{MessagingFixture.PublicBaseUrl}/s/{due.LinkToken}", sms.Link);
        var sent = Assert.Single(await f.PublishedAsync<SurveySent>());
        var delivery = await f.DeliveryAsync(due.SurveyId);
        Assert.Equal((due.SurveyId, 0, Channels.Sms), (sent.SurveyId, sent.Attempt, sent.Channel));
        Assert.Equal(delivery.ProviderMessageId, sent.ProviderMessageId);
        Assert.Equal(DeliveryStatuses.Queued, delivery.Status);
        Assert.Null(delivery.ClaimId);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task The_same_SurveyDue_three_times_redelivered_or_republished_makes_one_provider_call(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var due = f.Due();

        await f.DispatchAsync(due);
        await f.DispatchAsync(due);
        await f.DispatchAsync(due with { LinkToken = "another" });

        Assert.Single(f.Sms.Sent);
        Assert.Single(await f.PublishedAsync<SurveySent>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task Copies_of_one_SurveyDue_arriving_together_make_one_provider_call(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var due = f.Due();
        f.Sms.Default = async _ => { await Task.Delay(100); return FakeSmsGateway.Accepted(); };

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => f.DispatchAsync(due))));

        Assert.Single(f.Sms.Sent);
        Assert.Single(await f.PublishedAsync<SurveySent>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_reminder_is_a_new_attempt_and_is_sent(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var first = f.Due();

        await f.DispatchAsync(first);
        await f.DispatchAsync(first with { Attempt = 1 });

        Assert.Equal(2, f.Sms.Sent.Count);
        Assert.Contains("reminder", f.Sms.Sent.Last().Body);
        Assert.Equal([0, 1], (await f.PublishedAsync<SurveySent>()).Select(s => s.Attempt));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task An_opted_out_number_gets_no_text_until_it_opts_back_in(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var now = f.Clock.GetUtcNow();
        await f.Db.InTransactionAsync(s => SmsConsent.RecordAsync(s, "+15551230001", optedOut: true, "STOP", now.AddMinutes(-5)));

        var due = f.Due();
        await f.DispatchAsync(due);

        Assert.Empty(f.Sms.Sent);
        var failed = Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal((due.SurveyId, DeliveryFailureReasons.OptedOut, (string?)null), (failed.SurveyId, failed.Reason, failed.ProviderErrorCode));
        Assert.Equal(DeliveryStatuses.Failed, (await f.DeliveryAsync(due.SurveyId)).Status);

        await f.Db.InTransactionAsync(s => SmsConsent.RecordAsync(s, "+15551230001", optedOut: false, "START", now.AddMinutes(-1)));
        await f.DispatchAsync(due with { Attempt = 1 });

        Assert.Single(f.Sms.Sent);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task An_older_opt_in_arriving_late_does_not_undo_a_newer_opt_out(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var now = f.Clock.GetUtcNow();

        await f.Db.InTransactionAsync(s => SmsConsent.RecordAsync(s, "+15551230001", optedOut: true, "STOP", now.AddMinutes(-1)));
        await f.Db.InTransactionAsync(s => SmsConsent.RecordAsync(s, "+15551230001", optedOut: false, "START", now.AddMinutes(-10)));

        Assert.True(await f.Db.InTransactionAsync(s => SmsConsent.IsOptedOutAsync(s, "+15551230001")));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_21610_answer_fails_the_attempt_and_suppresses_the_number_for_later_surveys(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(new SendOutcome.Rejected(DeliveryFailureReasons.OptedOut, "21610", "Attempt to send to unsubscribed recipient"));

        var due = f.Due();
        var later = f.Due();
        await f.DispatchAsync(due);
        await f.DispatchAsync(later);

        Assert.Single(f.Sms.Sent);
        // Matched by survey: outbox ids (UUIDv7) written within one millisecond by two transactions have no set order.
        var failures = (await f.PublishedAsync<SurveyDeliveryFailed>()).ToDictionary(x => x.SurveyId, x => (x.ProviderErrorCode, x.Reason));
        Assert.Equal(2, failures.Count);
        Assert.Equal(("21610", DeliveryFailureReasons.OptedOut), failures[due.SurveyId]);
        Assert.Equal((null, DeliveryFailureReasons.OptedOut), failures[later.SurveyId]);
        var delivery = await f.DeliveryAsync(due.SurveyId);
        Assert.Equal((DeliveryStatuses.Failed, "21610"), (delivery.Status, delivery.ProviderErrorCode));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task An_outcome_in_doubt_is_reported_failed_and_never_sent_again(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(new SendOutcome.Unknown("timed out"));
        var due = f.Due();

        await f.DispatchAsync(due);
        await f.DispatchAsync(due);

        Assert.Single(f.Sms.Sent);
        var failed = Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal(DeliveryFailureReasons.OutcomeUnknown, failed.Reason);
    }

    [Fact]
    public async Task A_message_the_provider_takes_but_reports_failed_at_once_is_reported_failed_not_sent()
    {
        await using var f = await MessagingFixture.CreateAsync(TestDatabase.Sqlite);
        f.Sms.Then(new SendOutcome.Accepted("SMdead", "failed"));
        var due = f.Due();

        await f.DispatchAsync(due);

        Assert.Empty(await f.PublishedAsync<SurveySent>());
        Assert.Equal(DeliveryFailureReasons.ProviderRejected, Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>()).Reason);
    }

    [Theory]
    [InlineData(Channels.Sms, null, "ana@example.org", DeliveryFailureReasons.NoContact)]
    [InlineData(Channels.Sms, "call me", "ana@example.org", DeliveryFailureReasons.NoContact)]
    [InlineData(Channels.Email, "+15551230001", null, DeliveryFailureReasons.NoContact)]
    [InlineData(Channels.Email, "+15551230001", "not an address", DeliveryFailureReasons.NoContact)]
    [InlineData("pigeon", "+15551230001", "ana@example.org", DeliveryFailureReasons.UnsupportedChannel)]
    public async Task A_survey_that_cannot_be_sent_is_reported_failed_with_a_reason(string channel, string? phone, string? email, string reason)
    {
        await using var f = await MessagingFixture.CreateAsync(TestDatabase.Sqlite);
        var due = f.Due(channel, phone, email);

        await f.DispatchAsync(due);
        await f.DispatchAsync(due);

        Assert.Empty(f.Sms.Sent);
        Assert.Empty(f.Email.Sent);
        var failed = Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal((due.SurveyId, channel, reason), (failed.SurveyId, failed.Channel, failed.Reason));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_survey_whose_window_closed_while_it_waited_is_not_sent(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);

        await f.DispatchAsync(f.Due(expiresIn: TimeSpan.FromMinutes(-1)));

        Assert.Empty(f.Sms.Sent);
        Assert.Equal(DeliveryFailureReasons.Expired, Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>()).Reason);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task An_email_survey_goes_to_the_email_gateway_with_the_link_in_the_patients_language(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var due = f.Due(Channels.Email, email: " Ana.Ruiz@Example.org ", locale: "es");

        await f.DispatchAsync(due);

        var email = Assert.Single(f.Email.Sent);
        Assert.Equal("Ana.Ruiz@Example.org", email.To);
        Assert.Contains($"{MessagingFixture.PublicBaseUrl}/s/{due.LinkToken}", email.TextBody);
        Assert.Contains("Hola Ana:", email.TextBody);
        Assert.Empty(f.Sms.Sent);
        Assert.Equal(Channels.Email, Assert.Single(await f.PublishedAsync<SurveySent>()).Channel);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_send_interrupted_by_a_crash_is_sent_again_once_its_lease_is_over_and_a_redelivery_adds_nothing(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(_ => throw new IOException("process killed mid-call"));
        var due = f.Due();
        await Assert.ThrowsAsync<IOException>(() => f.DispatchAsync(due));
        var sweeper = f.Sweeper();

        Assert.Equal(0, await sweeper.RunDueAsync(CancellationToken.None));
        f.RealTime.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await sweeper.RunDueAsync(CancellationToken.None));
        await f.DispatchAsync(due); // the bus redelivers the message the crash left unacknowledged
        Assert.Equal(0, await sweeper.RunDueAsync(CancellationToken.None));

        Assert.Equal(2, f.Sms.Sent.Count);
        Assert.Single(await f.PublishedAsync<SurveySent>());
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
        var delivery = await f.DeliveryAsync(due.SurveyId);
        Assert.Equal((DeliveryStatuses.Queued, 1), (delivery.Status, delivery.Resumed));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_send_the_provider_took_just_before_the_crash_is_found_and_recorded_not_sent_twice(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var claimedAt = f.LeaseClock.GetUtcNow();
        f.Sms.Then(_ => throw new IOException("process killed after Twilio took the text"));
        var due = f.Due();
        await Assert.ThrowsAsync<IOException>(() => f.DispatchAsync(due));
        DateTimeOffset? askedSince = null;
        f.Sms.Taken = (message, since) =>
        {
            askedSince = since;
            return message.To == "+15551230001" ? new SendOutcome.Accepted("SMtaken", "sent") : null;
        };

        f.RealTime.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await f.Sweeper().RunDueAsync(CancellationToken.None));

        Assert.Single(f.Sms.Sent); // only the call the crash cut off
        Assert.Equal("SMtaken", Assert.Single(await f.PublishedAsync<SurveySent>()).ProviderMessageId);
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.InRange(askedSince!.Value, claimedAt - TimeSpan.FromMinutes(2), claimedAt);
        var delivery = await f.DeliveryAsync(due.SurveyId);
        Assert.Equal(("SMtaken", DeliveryStatuses.Sent, 1), (delivery.ProviderMessageId, delivery.Status, delivery.Resumed));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_send_interrupted_twice_is_reported_failed_and_never_sent_a_third_time(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(_ => throw new IOException("process killed mid-call"));
        f.Sms.Then(_ => throw new IOException("killed again, mid-resend"));
        var due = f.Due();
        await Assert.ThrowsAsync<IOException>(() => f.DispatchAsync(due));
        f.RealTime.Advance(TimeSpan.FromMinutes(11));
        await Assert.ThrowsAsync<IOException>(() => f.Sweeper().RunDueAsync(CancellationToken.None));

        f.RealTime.Advance(TimeSpan.FromMinutes(11));
        // A fresh process: nothing of the crashed one is in flight.
        Assert.Equal(1, await f.Sweeper(inFlight: new InFlightSends()).RunDueAsync(CancellationToken.None));

        Assert.Equal(2, f.Sms.Sent.Count);
        Assert.Equal(DeliveryFailureReasons.SendInterrupted, Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>()).Reason);
        Assert.Empty(await f.PublishedAsync<SurveySent>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_survey_waiting_for_its_rate_limit_turn_holds_no_claim_so_a_crash_then_interrupts_nothing(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var turn = new TaskCompletionSource();
        f.Sms.Turn = _ => turn.Task;
        var due = f.Due();
        var sending = f.DispatchAsync(due);
        await Eventually.TrueAsync(() => Task.FromResult(f.Sms.TurnsTaken == 1), "the dispatcher to wait for its turn");

        long claimsWhileWaiting;
        await using (var connection = await f.Db.OpenAsync())
            claimsWhileWaiting = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries");
        turn.SetResult();
        await sending;

        Assert.Equal(0, claimsWhileWaiting);
        Assert.Single(f.Sms.Sent);
        Assert.Single(await f.PublishedAsync<SurveySent>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task The_sweeper_leaves_a_send_still_in_flight_alone_even_after_a_clock_jump(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var release = new TaskCompletionSource();
        f.Sms.Then(async _ => { await release.Task; return FakeSmsGateway.Accepted(); });
        var due = f.Due(expiresIn: TimeSpan.FromDays(5));
        var sending = f.DispatchAsync(due);
        await Eventually.TrueAsync(() => Task.FromResult(!f.Sms.Sent.IsEmpty), "the provider call to start");

        f.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, await f.Sweeper().RunDueAsync(CancellationToken.None));
        release.SetResult();
        await sending;

        Assert.Single(await f.PublishedAsync<SurveySent>());
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_claim_lease_lapses_with_real_time_never_with_a_dev_clock_jump(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var release = new TaskCompletionSource();
        f.Sms.Then(async _ => { await release.Task; return FakeSmsGateway.Accepted(); });
        var sending = f.DispatchAsync(f.Due(expiresIn: TimeSpan.FromDays(5)));
        await Eventually.TrueAsync(() => Task.FromResult(!f.Sms.Sent.IsEmpty), "the provider call to start");
        // Another replica's sweeper: it cannot see this send in flight, only its claim and lease.
        var otherReplica = f.Sweeper(inFlight: new InFlightSends());

        f.Clock.Advance(TimeSpan.FromDays(3));
        var afterClockJump = await otherReplica.RunDueAsync(CancellationToken.None);
        f.RealTime.Advance(TimeSpan.FromMinutes(11));
        var afterLease = await otherReplica.RunDueAsync(CancellationToken.None);
        release.SetResult();
        await sending;

        Assert.Equal((0, 1), (afterClockJump, afterLease));
        // The other replica took the send for dead and sent it again: why the lease must outlast a send's retries.
        Assert.Equal(2, f.Sms.Sent.Count);
        Assert.Single(await f.PublishedAsync<SurveySent>());
    }
}
