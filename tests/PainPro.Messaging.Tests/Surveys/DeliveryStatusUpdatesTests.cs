using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Surveys;

public class DeliveryStatusUpdatesTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static async Task<(Delivery Delivery, SurveyDue Due)> SentAsync(MessagingFixture f)
    {
        var due = f.Due();
        await f.DispatchAsync(due);
        return (await f.DeliveryAsync(due.SurveyId), due);
    }

    private static Task<StatusCallbackResult> ReportAsync(MessagingFixture f, string sid, string status, string? errorCode = null) =>
        f.Db.InTransactionAsync(s => DeliveryStatusUpdates.RecordAsync(s, f.Senders, sid, status, errorCode));

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task An_undelivered_callback_publishes_SurveyDeliveryFailed_once_with_the_carrier_error_code(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var (delivery, due) = await SentAsync(f);
        var sid = delivery.ProviderMessageId!;

        Assert.Equal(StatusCallbackResult.Applied, await ReportAsync(f, sid, "sent"));
        Assert.Equal(StatusCallbackResult.Applied, await ReportAsync(f, sid, "undelivered", "30003"));
        Assert.Equal(StatusCallbackResult.Repeated, await ReportAsync(f, sid, "undelivered", "30003"));

        var failed = Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal(new SurveyDeliveryFailed(due.SurveyId, 0, Channels.Sms, DeliveryFailureReasons.Unreachable, "30003"), failed);
        var after = await f.DeliveryAsync(due.SurveyId);
        Assert.Equal((DeliveryStatuses.Undelivered, "30003"), (after.Status, after.ProviderErrorCode));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_status_only_moves_forward_whatever_order_the_callbacks_arrive_in(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var (delivery, due) = await SentAsync(f);
        var sid = delivery.ProviderMessageId!;

        Assert.Equal(StatusCallbackResult.Applied, await ReportAsync(f, sid, "delivered"));
        Assert.Equal(StatusCallbackResult.Ignored, await ReportAsync(f, sid, "sent"));
        Assert.Equal(StatusCallbackResult.Ignored, await ReportAsync(f, sid, "failed", "30008"));

        Assert.Equal(DeliveryStatuses.Delivered, (await f.DeliveryAsync(due.SurveyId)).Status);
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_callback_that_beats_the_recorded_send_is_applied_as_soon_as_the_send_is_recorded(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(async _ =>
        {
            // Twilio can call back before our own transaction has stored the message sid.
            Assert.Equal(StatusCallbackResult.Unmatched, await ReportAsync(f, "SMfast", "failed", "30007"));
            return new SendOutcome.Accepted("SMfast", "queued");
        });
        var due = f.Due();

        await f.DispatchAsync(due);

        Assert.Single(await f.PublishedAsync<SurveySent>());
        var failed = Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal(("30007", DeliveryFailureReasons.DeliveryFailed), (failed.ProviderErrorCode, failed.Reason));
        Assert.Equal(DeliveryStatuses.Failed, (await f.DeliveryAsync(due.SurveyId)).Status);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_21610_on_a_callback_suppresses_the_number(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var (delivery, _) = await SentAsync(f);

        await ReportAsync(f, delivery.ProviderMessageId!, "failed", "21610");

        Assert.True(await f.Db.InTransactionAsync(s => SmsConsent.IsOptedOutAsync(s, delivery.Recipient)));
        Assert.Equal(DeliveryFailureReasons.OptedOut, Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>()).Reason);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_30001_on_a_callback_blames_our_sender_and_holds_the_next_send(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var (delivery, due) = await SentAsync(f);

        await ReportAsync(f, delivery.ProviderMessageId!, "failed", "30001");
        var next = f.Due(phone: "+15551230002");
        await f.DispatchAsync(next);

        var failed = Assert.Single(await f.PublishedAsync<SurveyDeliveryFailed>());
        Assert.Equal((due.SurveyId, DeliveryFailureReasons.SenderFault, "30001"), (failed.SurveyId, failed.Reason, failed.ProviderErrorCode));
        Assert.False(await f.Db.InTransactionAsync(s => SmsConsent.IsOptedOutAsync(s, delivery.Recipient)));
        Assert.Single(f.Sms.Sent); // the held one never reached the provider
        var held = Assert.Single(await f.PublishedAsync<SurveyDeferred>());
        Assert.Equal((next.SurveyId, DeliveryDeferralReasons.SenderFault, "30001"), (held.SurveyId, held.Reason, held.ProviderErrorCode));
    }

    [Fact]
    public async Task A_status_for_a_message_we_never_sent_is_kept_but_changes_nothing()
    {
        await using var f = await MessagingFixture.CreateAsync(TestDatabase.Sqlite);

        Assert.Equal(StatusCallbackResult.Unmatched, await ReportAsync(f, "SMunknown", "undelivered", "30003"));
        Assert.Equal(StatusCallbackResult.Repeated, await ReportAsync(f, "SMunknown", "undelivered", "30003"));
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
    }
}
