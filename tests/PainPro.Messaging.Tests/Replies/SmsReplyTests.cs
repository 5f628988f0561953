using Dapper;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Replies;

/// <summary>The <see cref="SendSmsReply"/> command: once per ReplyId, in a rate-limit turn, deferred through outages, never to an opted-out number.</summary>
public class SmsReplyTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static SendSmsReply Reply(MessagingFixture f, string to = "+1 (555) 123-0001", Guid? id = null) =>
        new(id ?? Guid.CreateVersion7(), to, "Thanks, Ana. On a scale of 0 to 10, how bad is the pain?", "SMinbound", f.Clock.GetUtcNow());

    private static async Task<(string Status, string? Body, string? FailureReason)> RowAsync(MessagingFixture f, Guid id)
    {
        await using var connection = await f.Db.OpenAsync();
        return await connection.QuerySingleAsync<(string, string?, string?)>(
            "SELECT status, body, failure_reason FROM sms_replies WHERE id = @id", new { id });
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_reply_is_texted_once_in_a_rate_limit_turn_however_often_the_command_comes(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var reply = Reply(f);

        await f.Replies.AcceptAsync(reply, CancellationToken.None);
        await f.Replies.AcceptAsync(reply, CancellationToken.None);
        await f.Replies.AcceptAsync(reply with { Body = "something else" }, CancellationToken.None);
        await f.RunDeferredAsync();

        var sms = Assert.Single(f.Sms.Sent);
        Assert.Equal(("+15551230001", reply.Body), (sms.To, sms.Body));
        Assert.Equal(1, f.Sms.TurnsTaken);
        Assert.Equal((DeliveryStatuses.Queued, (string?)null), ((await RowAsync(f, reply.ReplyId)).Status, (await RowAsync(f, reply.ReplyId)).Body));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_reply_to_an_opted_out_number_is_never_sent(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        await f.Db.InTransactionAsync(s => SmsConsent.RecordAsync(s, "+15551230001", optedOut: true, "STOP", f.Clock.GetUtcNow().AddMinutes(-1)));
        var reply = Reply(f);

        await f.Replies.AcceptAsync(reply, CancellationToken.None);
        await f.PassAsync(TimeSpan.FromMinutes(5));

        Assert.Empty(f.Sms.Sent);
        Assert.Equal((DeliveryStatuses.Failed, (string?)null, DeliveryFailureReasons.OptedOut), await RowAsync(f, reply.ReplyId));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_reply_the_provider_cannot_take_now_waits_and_goes_once_it_can(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(new SendOutcome.Unavailable("Twilio answered 503"));
        f.Sms.Then(new SendOutcome.SenderRefused("20003", "Authentication failed"));
        var reply = Reply(f);

        await f.Replies.AcceptAsync(reply, CancellationToken.None);
        var afterOutage = await RowAsync(f, reply.ReplyId);
        await f.PassAsync(TimeSpan.FromSeconds(3));  // refused: held until the probe
        await f.PassAsync(TimeSpan.FromSeconds(10)); // not yet
        var whileHeld = f.Sms.Sent.Count;
        await f.PassAsync(f.Options.Delivery.ProbeInterval); // the probe gets through

        Assert.Equal(DeliveryStatuses.Deferred, afterOutage.Status);
        Assert.Equal(2, whileHeld);
        Assert.Equal(3, f.Sms.Sent.Count);
        Assert.Equal(DeliveryStatuses.Queued, (await RowAsync(f, reply.ReplyId)).Status);
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_reply_is_conversation_and_is_not_held_for_quiet_hours(string provider)
    {
        // 23:30 in London: a survey text would wait for 09:00, the answer to the patient's own text does not.
        await using var f = await MessagingFixture.CreateAsync(provider, DateTimeOffset.Parse("2026-11-20T23:30:00Z"));

        await f.Replies.AcceptAsync(Reply(f), CancellationToken.None);
        await f.DispatchAsync(f.Due(timeZone: "Europe/London"));

        Assert.Single(f.Sms.Sent);
        Assert.Single(await f.PublishedAsync<SurveyDeferred>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_reply_that_could_not_go_for_a_day_is_dropped_as_stale(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Default = _ => Task.FromResult<SendOutcome>(new SendOutcome.Unavailable("Twilio answered 503"));
        var reply = Reply(f);

        await f.Replies.AcceptAsync(reply, CancellationToken.None);
        for (var i = 0; i < 25; i++) await f.PassAsync(TimeSpan.FromHours(1));
        var tries = f.Sms.Sent.Count;
        await f.PassAsync(TimeSpan.FromHours(1));

        Assert.Equal((DeliveryStatuses.Failed, (string?)null, DeliveryFailureReasons.Expired), await RowAsync(f, reply.ReplyId));
        Assert.Equal(tries, f.Sms.Sent.Count);
        Assert.InRange(tries, 20, 30);
    }

    [Fact]
    public async Task A_reply_to_something_that_is_not_a_phone_number_is_recorded_and_not_sent()
    {
        await using var f = await MessagingFixture.CreateAsync(TestDatabase.Sqlite);
        var reply = Reply(f, to: "call me");

        await f.Replies.AcceptAsync(reply, CancellationToken.None);

        Assert.Empty(f.Sms.Sent);
        Assert.Equal(DeliveryFailureReasons.NoContact, (await RowAsync(f, reply.ReplyId)).FailureReason);
    }
}
