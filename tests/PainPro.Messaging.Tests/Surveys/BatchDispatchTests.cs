using Dapper;
using PainPro.Contracts;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Surveys;

/// <summary>
/// SurveyDue consumed a batch at a time: each attempt recorded as a single message would be, in one claim transaction
/// and one outcome transaction when the sender has no rate limit to wait for, and never a claim waiting for its turn.
/// </summary>
public class BatchDispatchTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_mixed_batch_records_each_survey_its_own_way_in_one_claim_and_one_outcome_transaction(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var already = f.Due(phone: "+15551230010");
        await f.DispatchAsync(already);
        await f.Db.InTransactionAsync(s => SmsConsent.RecordAsync(s, "+15551230011", optedOut: true, "STOP", f.Clock.GetUtcNow().AddMinutes(-5)));
        var optedOut = f.Due(phone: "+15551230011");
        var atNight = f.Due(phone: "+15551230012", timeZone: "Asia/Tokyo"); // 21:00 there
        var noContact = f.Due(phone: null);
        SurveyDue[] sendable = [f.Due(phone: "+15551230013"), f.Due(phone: "+15551230014"), f.Due(Channels.Email, email: "bea@example.org")];
        // Every turn and every provider call takes a second: rows written by one transaction share its time, and no other.
        f.Sms.Turn = _ => { f.RealTime.Advance(TimeSpan.FromSeconds(1)); return Task.CompletedTask; };
        f.Sms.Default = _ => { f.RealTime.Advance(TimeSpan.FromSeconds(1)); return Task.FromResult(FakeSmsGateway.Accepted()); };

        await f.DispatchBatchAsync(already, optedOut, sendable[0], atNight, noContact, sendable[1], sendable[2]);

        Assert.Equal([already.Contact.Phone, sendable[0].Contact.Phone, sendable[1].Contact.Phone], f.Sms.Sent.Select(s => s.To));
        Assert.Equal(sendable[2].Contact.Email, Assert.Single(f.Email.Sent).To);
        Assert.Equal(sendable.Prepend(already).Select(d => d.SurveyId).Order(), (await f.PublishedAsync<SurveySent>()).Select(s => s.SurveyId).Order());
        var failed = (await f.PublishedAsync<SurveyDeliveryFailed>()).ToDictionary(x => x.SurveyId, x => x.Reason);
        Assert.Equal(2, failed.Count);
        Assert.Equal((DeliveryFailureReasons.OptedOut, DeliveryFailureReasons.NoContact), (failed[optedOut.SurveyId], failed[noContact.SurveyId]));
        var deferred = Assert.Single(await f.PublishedAsync<SurveyDeferred>());
        Assert.Equal((atNight.SurveyId, DeliveryDeferralReasons.QuietHours), (deferred.SurveyId, deferred.Reason));

        var rows = (await RowsAsync(f)).ToDictionary(r => r.SurveyId);
        Assert.Equal(7, rows.Count);
        var batchRows = rows.Values.Where(r => r.SurveyId != already.SurveyId).ToList();
        // One claim: every row of the batch written at one instant, after the turns were taken …
        Assert.Single(batchRows.Select(r => r.CreatedAt).Distinct());
        // … and one outcome transaction, after the last provider call.
        var sentAt = Assert.Single(sendable.Select(d => rows[d.SurveyId].SentAt).Distinct());
        Assert.Equal(rows[sendable[0].SurveyId].CreatedAt + TimeSpan.FromSeconds(2), sentAt);
        Assert.Equal([DeliveryStatuses.Queued, DeliveryStatuses.Queued, DeliveryStatuses.Sent], sendable.Select(d => rows[d.SurveyId].Status));
        Assert.Equal(DeliveryStatuses.Deferred, rows[atNight.SurveyId].Status);
        Assert.True(rows[already.SurveyId].CreatedAt < batchRows[0].CreatedAt, "the survey recorded before the batch keeps its row");
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task Copies_of_one_SurveyDue_in_one_batch_make_one_provider_call(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var due = f.Due();

        await f.DispatchBatchAsync(due, due, due with { LinkToken = "another" }, due with { Attempt = 1 });

        Assert.Equal(2, f.Sms.Sent.Count); // the first send once, and its reminder
        Assert.Equal([0, 1], (await f.PublishedAsync<SurveySent>()).Select(s => s.Attempt).Order());
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_send_of_a_batch_is_claimed_only_in_its_turn_and_recorded_before_the_batch_waits_for_the_next(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        var second = new TaskCompletionSource();
        var third = new TaskCompletionSource();
        f.Sms.Turn = _ => f.Sms.TurnsTaken switch { 1 => Task.CompletedTask, 2 => second.Task, _ => third.Task };
        SurveyDue[] surveys = [f.Due(phone: "+15551230020"), f.Due(phone: "+15551230021"), f.Due(phone: "+15551230022")];

        var dispatching = f.DispatchBatchAsync(surveys);
        // A turn is counted when asked for; the claim before waiting for it commits a moment later. The turns are held
        // until released below, so whatever is recorded meanwhile was recorded while the batch waited for its turn.
        List<string?> whileSecondWaits = [];
        await Eventually.TrueAsync(async () => f.Sms.TurnsTaken == 2 && (whileSecondWaits = await StatusesAsync(f, surveys))[0] is not null,
            "the batch to claim the first send and wait for the second turn");
        // Its lease long over, the first claim is still this process's own until its outcome is recorded.
        f.RealTime.Advance(TimeSpan.FromMinutes(11));
        var swept = await f.Sweeper().RunDueAsync(CancellationToken.None);
        second.SetResult();
        List<string?> whileThirdWaits = [];
        await Eventually.TrueAsync(async () => f.Sms.TurnsTaken == 3 && (whileThirdWaits = await StatusesAsync(f, surveys))[1] is not null,
            "the batch to record the first send, claim the second and wait for the third turn");
        var sentWhileThirdWaits = (await f.PublishedAsync<SurveySent>()).Select(s => s.SurveyId).ToList();
        third.SetResult();
        await dispatching;

        Assert.Equal([DeliveryStatuses.Claimed, null, null], whileSecondWaits);
        Assert.Equal(0, swept);
        Assert.Equal([DeliveryStatuses.Queued, DeliveryStatuses.Claimed, null], whileThirdWaits);
        Assert.Equal([surveys[0].SurveyId], sentWhileThirdWaits);
        Assert.Equal(3, f.Sms.Sent.Count);
        Assert.Equal(surveys.Select(s => s.SurveyId).Order(), (await f.PublishedAsync<SurveySent>()).Select(s => s.SurveyId).Order());
        Assert.Equal([DeliveryStatuses.Queued, DeliveryStatuses.Queued, DeliveryStatuses.Queued], await StatusesAsync(f, surveys));
    }

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task A_provider_call_that_throws_mid_batch_leaves_the_others_recorded_and_its_claim_to_the_sweeper(string provider)
    {
        await using var f = await MessagingFixture.CreateAsync(provider);
        f.Sms.Then(FakeSmsGateway.Accepted());
        f.Sms.Then(_ => throw new IOException("process killed mid-call"));
        SurveyDue[] surveys = [f.Due(phone: "+15551230030"), f.Due(phone: "+15551230031"), f.Due(phone: "+15551230032")];

        await Assert.ThrowsAsync<IOException>(() => f.DispatchBatchAsync(surveys)); // the bus retries the batch …
        await f.DispatchBatchAsync(surveys); // … which finds every attempt recorded
        var afterBatch = await StatusesAsync(f, surveys);
        f.RealTime.Advance(TimeSpan.FromMinutes(11));
        var resumed = await f.Sweeper().RunDueAsync(CancellationToken.None);

        Assert.Equal([DeliveryStatuses.Queued, DeliveryStatuses.Claimed, DeliveryStatuses.Queued], afterBatch);
        Assert.Equal(1, resumed);
        Assert.Equal(4, f.Sms.Sent.Count);
        Assert.Equal(surveys.Select(s => s.SurveyId).Order(), (await f.PublishedAsync<SurveySent>()).Select(s => s.SurveyId).Order());
        Assert.Empty(await f.PublishedAsync<SurveyDeliveryFailed>());
    }

    private static async Task<List<string?>> StatusesAsync(MessagingFixture f, IEnumerable<SurveyDue> surveys)
    {
        var rows = (await RowsAsync(f)).ToDictionary(r => r.SurveyId, r => r.Status);
        return surveys.Select(s => rows.GetValueOrDefault(s.SurveyId)).ToList();
    }

    private static async Task<IReadOnlyList<Row>> RowsAsync(MessagingFixture f)
    {
        await using var connection = await f.Db.OpenAsync();
        return (await connection.QueryAsync<Row>(
            "SELECT survey_id AS SurveyId, status AS Status, created_at AS CreatedAt, sent_at AS SentAt FROM deliveries")).AsList();
    }

    private sealed record Row
    {
        public Guid SurveyId { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? SentAt { get; init; }
    }
}
