using Dapper;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Surveys;
using PainPro.Phones;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Messaging.Replies;

/// <summary>A reply to a patient's text (a row of <c>sms_replies</c>).</summary>
public sealed record SmsReply
{
    public Guid Id { get; init; }
    public string Recipient { get; init; } = "";
    public string? Body { get; init; }
    public string Status { get; init; } = "";
    public Guid? ClaimId { get; init; }
    public DateTimeOffset? LeaseStartedAt { get; init; }
    public int Resumed { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? DeferReason { get; init; }
    public int Deferrals { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
}

/// <summary>Texts the answer Ingestion could not give in its webhook's TwiML (<see cref="SendSmsReply"/>).</summary>
public sealed class SendSmsReplyConsumer(SmsReplySender sender) : IConsumer<SendSmsReply>
{
    public Task Consume(ConsumeContext<SendSmsReply> context) => sender.AcceptAsync(context.Message, context.CancellationToken);
}

/// <summary>
/// Sends replies to patients who wrote to us. Idempotent on <c>ReplyId</c> (the row's key is the inbox); never to an
/// opted-out number; each request in a rate-limit turn of the same sender as the surveys; deferred (with backoff) when
/// the provider is unavailable and held while it refuses our sender, like survey texts. Not held for quiet hours: the
/// patient just wrote and is waiting for the answer. A reply that could not go within <c>Delivery:ReplyWindow</c> of
/// its request is dropped as stale (<c>expired</c>): by then the conversation has moved on.
/// </summary>
public sealed class SmsReplySender(
    MessagingDb db,
    ISmsGateway sms,
    SenderStates senders,
    InFlightSends inFlight,
    LeaseClock leaseClock,
    IOptions<MessagingOptions> options,
    ILogger<SmsReplySender> logger)
{
    private const string Columns =
        "id AS Id, recipient AS Recipient, body AS Body, status AS Status, claim_id AS ClaimId, lease_started_at AS LeaseStartedAt, " +
        "resumed AS Resumed, next_attempt_at AS NextAttemptAt, defer_reason AS DeferReason, deferrals AS Deferrals, requested_at AS RequestedAt";

    /// <summary>Slack for the provider's clock when looking for a text it took before our sender died.</summary>
    private static readonly TimeSpan ProviderClockSkew = TimeSpan.FromMinutes(1);

    private TimeSpan ReplyWindow => options.Value.Delivery.ReplyWindow;

    /// <summary>Records the command once and sends it (or records why it cannot go).</summary>
    public async Task AcceptAsync(SendSmsReply reply, CancellationToken ct)
    {
        var phone = PhoneNumber.Normalize(reply.To);
        var sendNow = await db.InTransactionAsync(async session =>
        {
            var now = session.Clock.GetUtcNow();
            var failure = phone is null || string.IsNullOrWhiteSpace(reply.Body) ? DeliveryFailureReasons.NoContact
                : await SmsConsent.IsOptedOutAsync(session, phone) ? DeliveryFailureReasons.OptedOut
                : reply.RequestedAt + ReplyWindow <= now ? DeliveryFailureReasons.Expired
                : null;
            var inserted = await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? """
                  INSERT INTO sms_replies (id, recipient, body, in_reply_to, status, next_attempt_at, failure_reason, requested_at, created_at, updated_at)
                  SELECT @ReplyId, @recipient, @body, @InReplyToMessageSid, @status, @next, @failure, @RequestedAt, @now, @now
                  WHERE NOT EXISTS (SELECT 1 FROM sms_replies WITH (UPDLOCK, HOLDLOCK) WHERE id = @ReplyId)
                  """
                : """
                INSERT INTO sms_replies (id, recipient, body, in_reply_to, status, next_attempt_at, failure_reason, requested_at, created_at, updated_at)
                VALUES (@ReplyId, @recipient, @body, @InReplyToMessageSid, @status, @next, @failure, @RequestedAt, @now, @now)
                ON CONFLICT (id) DO NOTHING
                """,
                new
                {
                    reply.ReplyId, recipient = phone ?? "", body = failure is null ? reply.Body : null, reply.InReplyToMessageSid,
                    status = failure is null ? DeliveryStatuses.Deferred : DeliveryStatuses.Failed,
                    next = failure is null ? now : (DateTimeOffset?)null, failure, reply.RequestedAt, now,
                }) == 1;
            if (inserted && failure is not null)
                logger.LogInformation("Reply {ReplyId} to message {MessageSid} not sent: {Reason}", reply.ReplyId, reply.InReplyToMessageSid, failure);
            return inserted && failure is null;
        }, ct);
        if (sendNow) await SendAsync(reply.ReplyId, ct);
    }

    /// <summary>Sends a deferred reply whose time has come, or defers it again; false when there was nothing to do.</summary>
    public async Task<bool> SendAsync(Guid replyId, CancellationToken ct)
    {
        var reply = await FindAsync(replyId, ct);
        if (reply is not { Status: DeliveryStatuses.Deferred, Body: not null }) return false;
        var now = db.Clock.GetUtcNow();
        if (reply.RequestedAt + ReplyWindow <= now)
        {
            await db.InTransactionAsync(session => SettleAsync(session, reply.Id, null, DeliveryStatuses.Failed, failureReason: DeliveryFailureReasons.Expired), CancellationToken.None);
            return true;
        }
        if (await senders.PeekAsync(Channels.Sms, now, ct) is SenderGate.Held held)
        {
            if (reply.DeferReason == DeliveryDeferralReasons.SenderFault && reply.NextAttemptAt >= held.Until) return false;
            await db.InTransactionAsync(session => DeferAsync(session, reply.Id, null, new Deferral(held.Until, DeliveryDeferralReasons.SenderFault, held.ErrorCode)), CancellationToken.None);
            return true;
        }

        var turn = await sms.TakeTurnAsync(ct);
        var claim = await db.InTransactionAsync<Claim?>(async session =>
        {
            if (await SmsConsent.IsOptedOutAsync(session, reply.Recipient))
            {
                await SettleAsync(session, reply.Id, null, DeliveryStatuses.Failed, failureReason: DeliveryFailureReasons.OptedOut);
                return null;
            }
            if (await senders.GateAsync(session, Channels.Sms) is SenderGate.Held gate)
            {
                await DeferAsync(session, reply.Id, null, new Deferral(gate.Until, DeliveryDeferralReasons.SenderFault, gate.ErrorCode));
                return null;
            }
            var claimId = Guid.CreateVersion7();
            var claimed = await session.ExecuteAsync(
                """
                UPDATE sms_replies SET status = 'claimed', claim_id = @claimId, lease_started_at = @leaseStartedAt, updated_at = @now
                WHERE id = @Id AND status = 'deferred'
                """, new { reply.Id, claimId, leaseStartedAt = leaseClock.GetUtcNow(), now = session.Clock.GetUtcNow() }) == 1;
            return claimed ? new Claim(reply.Id, claimId, session.Clock.GetUtcNow()) : null;
        }, ct);
        if (claim is null) return true;

        using (inFlight.Track(claim.ClaimId))
        {
            var outcome = await sms.SendAsync(new SmsMessage(reply.Recipient, reply.Body), turn, ct);
            await RecordOutcomeAsync(reply, claim, outcome);
        }
        return true;
    }

    /// <summary>
    /// A reply whose sender died mid-call (its claim's lease lapsed, nobody here sending it): recorded as sent if the
    /// provider's message list shows it, else sent again — once; a second lapse is reported <c>send-interrupted</c>.
    /// </summary>
    public async Task<bool> ResumeInterruptedAsync(SmsReply lapsed, CancellationToken ct)
    {
        if (lapsed is not { ClaimId: { } lapsedClaim, Body: not null, Resumed: 0 })
            return await db.InTransactionAsync(session =>
                SettleAsync(session, lapsed.Id, lapsed.ClaimId, DeliveryStatuses.Failed, failureReason: DeliveryFailureReasons.SendInterrupted), ct);

        var claimId = Guid.CreateVersion7();
        var resumed = await db.InTransactionAsync(async session => await session.ExecuteAsync(
            """
            UPDATE sms_replies SET claim_id = @claimId, lease_started_at = @leaseStartedAt, resumed = 1, updated_at = @now
            WHERE id = @Id AND status = 'claimed' AND claim_id = @lapsedClaim AND resumed = 0
            """, new { lapsed.Id, lapsedClaim, claimId, leaseStartedAt = leaseClock.GetUtcNow(), now = session.Clock.GetUtcNow() }) == 1, ct);
        if (!resumed) return false;

        var claim = new Claim(lapsed.Id, claimId, db.Clock.GetUtcNow());
        if (lapsed.LeaseStartedAt is { } claimedAt
            && await sms.FindTakenAsync(new SmsMessage(lapsed.Recipient, lapsed.Body), claimedAt - ProviderClockSkew, ct) is { } taken)
        {
            await RecordOutcomeAsync(lapsed, claim, taken);
            return true;
        }
        logger.LogWarning("Reply {ReplyId}: its sender stopped mid-call; sending it again", lapsed.Id);
        await db.InTransactionAsync(session => DeferAsync(session, lapsed.Id, claimId, new Deferral(session.Clock.GetUtcNow(), DeliveryDeferralReasons.ProviderUnavailable)), CancellationToken.None);
        await SendAsync(lapsed.Id, ct);
        return true;
    }

    private Task RecordOutcomeAsync(SmsReply reply, Claim claim, SendOutcome outcome) => db.InTransactionAsync(async session =>
    {
        switch (outcome)
        {
            case SendOutcome.Accepted accepted:
                var status = DeliveryStatuses.FromProvider(accepted.Status)?.Status ?? DeliveryStatuses.Queued;
                if (!await SettleAsync(session, reply.Id, claim.ClaimId, status, providerMessageId: accepted.ProviderMessageId)) return;
                await senders.RecordAcceptedAsync(session, Channels.Sms, claim.ClaimedAt);
                logger.LogInformation("Reply {ReplyId} sent as {ProviderMessageId}", reply.Id, accepted.ProviderMessageId);
                break;
            case SendOutcome.Rejected rejected:
                if (!await SettleAsync(session, reply.Id, claim.ClaimId, DeliveryStatuses.Failed, failureReason: rejected.Reason, providerErrorCode: rejected.ProviderErrorCode)) return;
                if (rejected.Reason == DeliveryFailureReasons.OptedOut)
                    await SmsConsent.RecordAsync(session, reply.Recipient, optedOut: true, "provider:" + rejected.ProviderErrorCode, session.Clock.GetUtcNow());
                logger.LogWarning("Reply {ReplyId} refused by the provider: {Reason} ({Code})", reply.Id, rejected.Reason, rejected.ProviderErrorCode);
                break;
            case SendOutcome.Unknown unknown:
                await SettleAsync(session, reply.Id, claim.ClaimId, DeliveryStatuses.Failed, failureReason: DeliveryFailureReasons.OutcomeUnknown);
                logger.LogWarning("Reply {ReplyId} may or may not have been sent; not retrying: {Detail}", reply.Id, unknown.Detail);
                break;
            case SendOutcome.Unavailable unavailable:
                await senders.RecordUnavailableAsync(session, Channels.Sms, unavailable.Detail);
                var backoff = RetryBackoff.Delay(reply.Deferrals, unavailable.RetryAfter, options.Value.Delivery);
                await DeferAsync(session, reply.Id, claim.ClaimId, new Deferral(session.Clock.GetUtcNow() + backoff, DeliveryDeferralReasons.ProviderUnavailable));
                break;
            case SendOutcome.SenderRefused refused:
                var nextProbe = await senders.RecordRefusedAsync(session, Channels.Sms, refused.ProviderErrorCode, refused.Detail);
                await DeferAsync(session, reply.Id, claim.ClaimId, new Deferral(nextProbe, DeliveryDeferralReasons.SenderFault, refused.ProviderErrorCode));
                break;
        }
    });

    private Task<SmsReply?> FindAsync(Guid id, CancellationToken ct) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<SmsReply>($"SELECT {Columns} FROM sms_replies WHERE id = @id", new { id }), ct);

    /// <summary>Claims whose lease started, in real time, at or before <paramref name="before"/>.</summary>
    public static async Task<IReadOnlyList<SmsReply>> FindLapsedClaimsAsync(DbSession session, DateTimeOffset before, int limit) =>
        (await session.QueryAsync<SmsReply>(
            $"SELECT {Columns} FROM sms_replies WHERE status = 'claimed' AND lease_started_at <= @before ORDER BY lease_started_at {session.Dialect.Limit("@limit")}",
            new { before, limit })).AsList();

    private static async Task<bool> DeferAsync(DbSession session, Guid id, Guid? claimId, Deferral deferral) =>
        await session.ExecuteAsync(
            $"""
            UPDATE sms_replies
            SET status = 'deferred', claim_id = NULL, next_attempt_at = @NextAttemptAt, defer_reason = @Reason,
                provider_error_code = @ProviderErrorCode, deferrals = deferrals + 1, updated_at = @now
            WHERE id = @id AND {Deliveries.HeldBy(claimId)}
            """,
            new { id, claimId, deferral.NextAttemptAt, deferral.Reason, deferral.ProviderErrorCode, now = session.Clock.GetUtcNow() }) == 1;

    /// <summary>Settles a reply we hold (by claim, or deferred when null) and forgets its body.</summary>
    private static async Task<bool> SettleAsync(DbSession session, Guid id, Guid? claimId, string status,
        string? providerMessageId = null, string? failureReason = null, string? providerErrorCode = null)
    {
        var now = session.Clock.GetUtcNow();
        return await session.ExecuteAsync(
            $"""
            UPDATE sms_replies
            SET status = @status, claim_id = NULL, body = NULL, next_attempt_at = NULL, provider_message_id = @providerMessageId,
                failure_reason = @failureReason, provider_error_code = @providerErrorCode,
                sent_at = CASE WHEN @providerMessageId IS NULL THEN NULL ELSE @now END, updated_at = @now
            WHERE id = @id AND {Deliveries.HeldBy(claimId)}
            """,
            new { id, claimId, status, providerMessageId, failureReason, providerErrorCode, now }) == 1;
    }
}
