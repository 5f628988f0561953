using System.Diagnostics;
using System.Net.Mail;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Telemetry;
using PainPro.Messaging.Templates;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Facilities;
using PainPro.Phones;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// Sends each <see cref="SurveyDue"/> to the patient, once per survey and attempt, a batch of them at a time
/// (<see cref="DispatchAllAsync"/>):
/// <list type="number">
/// <item>a send that cannot go now — outside the patient's send window (<see cref="QuietHours"/>), or while the
/// provider refuses our sender (<see cref="SenderStates"/>) — is deferred at once, without waiting for a turn;</item>
/// <item>the sender's rate-limit turn is taken, so a recorded claim is always a send about to leave;</item>
/// <item>the attempt is recorded (claimed, with the request) and committed BEFORE the provider is called, after the
/// same checks again (the turn can take long) — a redelivered or duplicated <c>SurveyDue</c> finds the row and sends
/// nothing (the row, unique per survey and attempt, is the consumer's inbox: no separate inbox record is needed);</item>
/// <item>the provider is called outside any transaction;</item>
/// <item>the outcome and <c>SurveySent</c> / <c>SurveyDeferred</c> / <c>SurveyDeliveryFailed</c> commit together.</item>
/// </list>
/// In a batch, copies of one attempt count once, and the database is asked once for the whole batch where it can be:
/// the attempts already recorded, the sends that fail or wait before their turn (recorded with the first claim), the
/// patients opted out. Each other send takes its turn in order; the sends that have had theirs are claimed in one
/// transaction whenever the next turn must be waited for (all at once when the sender has no rate limit), so no claim
/// waits for a turn; their provider calls run side by side, each started in its own turn, and their outcomes are
/// recorded together, with the next claim or at the end of the batch.
/// A send the provider could not take (5xx, 429, no connection) or that our sender's refusal holds is deferred in the
/// database — never in an error queue — and sent again by <see cref="DeferredSurveySends"/> until the survey's window
/// closes; only then is it reported failed. An ambiguous outcome (a timeout mid-request) is reported failed rather than
/// risk a double text. A claim whose sender died mid-call (<see cref="StalledDeliverySweeper"/>) is taken up once, by
/// <see cref="ResumeInterruptedAsync"/>: recorded as sent if the provider's message list shows it took the text, sent
/// again if not — the patient must get the survey, once.
/// </summary>
public sealed partial class SurveyDispatcher(
    MessagingDb db,
    SurveyTemplates templates,
    ISmsGateway smsGateway,
    IEmailGateway emailGateway,
    InFlightSends inFlight,
    LeaseClock leaseClock,
    QuietHours quietHours,
    SenderStates senders,
    FacilityDirectory facilities,
    IOptions<PainProOptions> options,
    IOptions<MessagingOptions> messagingOptions,
    ILogger<SurveyDispatcher> logger)
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web);

    /// <summary>Slack for the provider's clock (and its whole-second timestamps) when looking for a text it took.</summary>
    private static readonly TimeSpan ProviderClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>The first send of an attempt, from its <see cref="SurveyDue"/>: a batch of one.</summary>
    public Task DispatchAsync(SurveyDue due, CancellationToken ct) => DispatchAllAsync([new DueSurvey(due)], ct);

    /// <summary>
    /// A deferred send whose next attempt has come (<see cref="DeferredSurveySends"/>): sent now, or deferred again if it
    /// still cannot go. False when there was nothing to do (someone else took it, or it had settled).
    /// </summary>
    public async Task<bool> SendDeferredAsync(Guid deliveryId, CancellationToken ct)
    {
        var row = await db.InTransactionAsync(session => Deliveries.FindByIdAsync(session, deliveryId), ct);
        if (row is not { Status: DeliveryStatuses.Deferred }) return false;
        if (row.Request is null)
        {
            // Deferred before requests were kept (a 'retry' row of an older version): nothing to send it from.
            await db.InTransactionAsync(async session =>
            {
                if (await Deliveries.SettleAsync(session, row.Id, null, DeliveryStatuses.Failed, failureReason: DeliveryFailureReasons.ProviderUnavailable))
                    await session.PublishAsync(new SurveyDeliveryFailed(row.SurveyId, row.Attempt, row.Channel, DeliveryFailureReasons.ProviderUnavailable, null));
            }, CancellationToken.None);
            return true;
        }

        var due = Deserialize(row);
        var plan = Plan(due);
        if (plan.Failure is null && await HoldBeforeTurnAsync(due, plan, ct) is { } hold)
        {
            if (hold.Reason == row.DeferReason && hold.NextAttemptAt <= row.NextAttemptAt) return false; // already waiting for it
            await db.InTransactionAsync(async session =>
            {
                if (await Deliveries.DeferAsync(session, row.Id, null, hold)) await PublishDeferredAsync(session, due, plan, hold);
            }, CancellationToken.None);
            return true;
        }

        var turn = await TakeTurnAsync(plan, ct);
        var claim = await ClaimDeferredAsync(due, plan, row, ct);
        if (claim is null) return true;
        using (inFlight.Track(claim.ClaimId))
        {
            var outcome = await SendOneAsync(due, plan, turn, publishedUnder: null, ct);
            await RecordOutcomesAsync([new SendResult(due, plan, claim, outcome)]);
        }
        return true;
    }

    /// <summary>
    /// Takes up an attempt whose claim lapsed with nobody in this process sending it: its sender died mid-call. If the
    /// provider took the text it is recorded as sent; if the provider says it did not, or cannot be asked, it is sent
    /// again (a patient who never gets the survey is worse off than one who gets it twice) — through the deferred path,
    /// so quiet hours and our sender's state still hold. Done once per attempt; false when there was nothing to do.
    /// </summary>
    public async Task<bool> ResumeInterruptedAsync(Delivery lapsed, CancellationToken ct)
    {
        var due = Deserialize(lapsed);
        var plan = Plan(due);
        var claimId = Guid.CreateVersion7();
        if (!await db.InTransactionAsync(session => Deliveries.TryResumeAsync(session, lapsed.Id, lapsed.ClaimId!.Value, claimId, leaseClock.GetUtcNow()), ct))
            return false;

        var claim = new Claim(lapsed.Id, claimId, db.Clock.GetUtcNow());
        // Did the provider take it before the sender died? Then it is recorded as sent, not sent twice.
        if (plan is { Failure: null, Channel: Channels.Sms } && lapsed.LeaseStartedAt is { } claimedAt
            && await smsGateway.FindTakenAsync(SmsFor(plan), claimedAt - ProviderClockSkew, ct) is { } taken)
        {
            logger.LogWarning("Survey {SurveyId} attempt {Attempt}: its sender stopped mid-call after the provider took it as {ProviderMessageId}; recorded, not sent again",
                due.SurveyId, due.Attempt, taken.ProviderMessageId);
            await RecordOutcomesAsync([new SendResult(due, plan, claim, taken)]);
            return true;
        }

        logger.LogWarning("Survey {SurveyId} attempt {Attempt}: its sender stopped mid-call; sending it again", due.SurveyId, due.Attempt);
        var resend = new Deferral(db.Clock.GetUtcNow(), lapsed.DeferReason ?? DeliveryDeferralReasons.ProviderUnavailable);
        if (!await db.InTransactionAsync(session => Deliveries.DeferAsync(session, lapsed.Id, claimId, resend), CancellationToken.None)) return true;
        await SendDeferredAsync(lapsed.Id, ct);
        return true;
    }

    private async Task<SmsTurn> TakeTurnAsync(SendPlan plan, CancellationToken ct) =>
        plan is { Failure: null, Channel: Channels.Sms } ? await smsGateway.TakeTurnAsync(ct) : default;

    /// <summary>One provider call, in its span; the caller records the outcome. Cancelling <paramref name="ct"/> never stops a request in flight.</summary>
    private async Task<SendOutcome> SendOneAsync(SurveyDue due, SendPlan plan, SmsTurn turn, ActivityContext? publishedUnder, CancellationToken ct)
    {
        // The provider's HTTP call is this span's child; ids, channel and outcome only, never the recipient.
        using var activity = SendTelemetry.Start(due, plan.Channel, publishedUnder);
        var outcome = plan.Channel == Channels.Sms
            ? await smsGateway.SendAsync(SmsFor(plan), turn, ct)
            : await emailGateway.SendAsync(new EmailMessage(plan.Recipient, plan.Email!.Subject, plan.Email.TextBody, plan.Email.HtmlBody, plan.Link,
                plan.Email.UnsubscribeUrl), ct);
        SendTelemetry.Finish(activity, outcome);
        return outcome;
    }

    private static SmsMessage SmsFor(SendPlan plan) => new(plan.Recipient, plan.SmsBody!, plan.Link);

    private static string Serialize(SurveyDue due) => JsonSerializer.Serialize(due, RequestJson);

    private static SurveyDue Deserialize(Delivery row) => JsonSerializer.Deserialize<SurveyDue>(row.Request!, RequestJson)
        ?? throw new InvalidOperationException($"Delivery {row.Id} holds an empty request.");

    /// <summary>What to send where, or why it cannot be sent. Pure: no I/O.</summary>
    internal SendPlan Plan(SurveyDue due)
    {
        var locale = SurveyTemplates.ResolveLocale(due.Locale);
        var kind = due.Attempt == 0 ? SurveyMessageKind.First : SurveyMessageKind.Reminder;
        var link = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/s/{Uri.EscapeDataString(due.LinkToken)}";
        var facility = facilities.IdentityOf(due.Facility);

        switch (due.Channel)
        {
            case Channels.Sms:
                var phone = PhoneNumber.Normalize(due.Contact.Phone);
                if (phone is null) return new SendPlan(Channels.Sms, "", locale, link, Failure: DeliveryFailureReasons.NoContact);
                return new SendPlan(Channels.Sms, phone, locale, link, SmsBody: templates.Sms(locale, kind, due.Contact.GivenName, facility));
            case Channels.Email:
                if (!MailAddress.TryCreate(due.Contact.Email?.Trim(), out var address))
                    return new SendPlan(Channels.Email, "", locale, link, Failure: DeliveryFailureReasons.NoContact);
                var email = templates.Email(due.Locale, kind, due.Contact.GivenName, link, due.ExpiresAt, due.TimeZone, facility);
                return new SendPlan(Channels.Email, address.Address, locale, link, Email: email);
            default:
                return new SendPlan(due.Channel ?? "", "", locale, link, Failure: DeliveryFailureReasons.UnsupportedChannel);
        }
    }

    /// <summary>Why the send must wait before it even takes a turn (quiet hours, our sender refused), or null. Writes nothing.</summary>
    private async Task<Deferral?> HoldBeforeTurnAsync(SurveyDue due, SendPlan plan, CancellationToken ct)
    {
        var now = db.Clock.GetUtcNow();
        if (quietHours.HoldUntil(due, now) is { } opening) return new Deferral(opening, DeliveryDeferralReasons.QuietHours);
        return await senders.PeekAsync(plan.Channel, now, ct) is SenderGate.Held held
            ? new Deferral(held.Until, DeliveryDeferralReasons.SenderFault, held.ErrorCode)
            : null;
    }

    /// <summary>
    /// Claims a deferred row (<paramref name="row"/>) to send it now and returns the claim to send under, or null when
    /// there is nothing to send: someone else took or settled it, it fails here and now (opted out, expired) and is
    /// settled failed, or it must wait again (quiet hours, our sender refused) and is deferred.
    /// </summary>
    private Task<Claim?> ClaimDeferredAsync(SurveyDue due, SendPlan plan, Delivery row, CancellationToken ct) =>
        db.InTransactionAsync<Claim?>(async session =>
        {
            var optedOut = plan is { Failure: null, Channel: Channels.Sms } && await SmsConsent.IsOptedOutAsync(session, plan.Recipient);
            switch (await JudgeAtClaimAsync(session, due, plan, optedOut))
            {
                case { Failure: { } failure }:
                    if (await Deliveries.SettleAsync(session, row.Id, null, DeliveryStatuses.Failed, failureReason: failure))
                        await session.PublishAsync(Failed(due, plan, failure));
                    return null;
                case { Hold: { } hold }:
                    if (await Deliveries.DeferAsync(session, row.Id, null, hold)) await PublishDeferredAsync(session, due, plan, hold);
                    return null;
            }
            var claimId = Guid.CreateVersion7();
            return await Deliveries.TryClaimDeferredAsync(session, row.Id, claimId, leaseClock.GetUtcNow())
                ? new Claim(row.Id, claimId, session.Clock.GetUtcNow())
                : null;
        }, ct);

    /// <summary>
    /// In the claim's transaction, right after the send's turn: whether it fails here and now (no contact, unsupported
    /// channel, expired, <paramref name="optedOut"/>), must wait (quiet hours — the turn can take long and the window may
    /// have closed meanwhile — or our sender refused: the one probe due is taken atomically here), or goes.
    /// </summary>
    private async Task<Verdict> JudgeAtClaimAsync(DbSession session, SurveyDue due, SendPlan plan, bool optedOut)
    {
        var now = session.Clock.GetUtcNow();
        if ((FailureNow(due, plan, now) ?? (optedOut ? DeliveryFailureReasons.OptedOut : null)) is { } failure) return new Verdict(failure);
        if (quietHours.HoldUntil(due, now) is { } opening) return new Verdict(Hold: new Deferral(opening, DeliveryDeferralReasons.QuietHours));
        return await senders.GateAsync(session, plan.Channel) is SenderGate.Held held
            ? new Verdict(Hold: new Deferral(held.Until, DeliveryDeferralReasons.SenderFault, held.ErrorCode))
            : Verdict.Go;
    }

    /// <summary>Why the attempt can never be sent, as far as is known without the database (no contact, unsupported channel, expired), or null.</summary>
    private static string? FailureNow(SurveyDue due, SendPlan plan, DateTimeOffset now) =>
        plan.Failure ?? (due.ExpiresAt <= now ? DeliveryFailureReasons.Expired : null);

    /// <summary>Reports the attempt failed for good: the message to publish with its row.</summary>
    private SurveyDeliveryFailed Failed(SurveyDue due, SendPlan plan, string reason)
    {
        logger.LogInformation("Survey {SurveyId} attempt {Attempt} not sent by {Channel}: {Reason}", due.SurveyId, due.Attempt, plan.Channel, reason);
        return new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, reason, null);
    }

    /// <summary>
    /// Tells Scheduling the survey waits, and why. A wait that would outlast the survey's window is no wait: the deferred
    /// loop reports it failed when the window closes (<see cref="DeferredSurveySends"/>).
    /// </summary>
    private Task PublishDeferredAsync(DbSession session, SurveyDue due, SendPlan plan, Deferral deferral) =>
        session.PublishAsync(Deferred(session, due, plan, deferral));

    private SurveyDeferred Deferred(DbSession session, SurveyDue due, SendPlan plan, Deferral deferral)
    {
        logger.LogInformation("Survey {SurveyId} attempt {Attempt} deferred until {NextAttemptAt}: {Reason} {ErrorCode}",
            due.SurveyId, due.Attempt, deferral.NextAttemptAt, deferral.Reason, deferral.ProviderErrorCode);
        return new SurveyDeferred(due.SurveyId, due.Attempt, plan.Channel, deferral.Reason,
            deferral.NextAttemptAt, session.Clock.GetUtcNow(), deferral.ProviderErrorCode);
    }

    /// <summary>Records outcomes in one transaction of their own, even while shutting down: they happened, whatever we do next.</summary>
    private Task RecordOutcomesAsync(IReadOnlyList<SendResult> results) =>
        db.InTransactionAsync(session => RecordOutcomesAsync(session, results), CancellationToken.None);

    /// <summary>
    /// Settles each send by what the provider made of it and publishes what follows. The sends it took settle together
    /// (one statement, one outbox write, the sender's state and the status callbacks stored meanwhile looked at once);
    /// the rest, rare, one by one.
    /// </summary>
    private async Task RecordOutcomesAsync(DbSession session, IReadOnlyList<SendResult> results)
    {
        var taken = new List<(SendResult Result, string Status, string ProviderMessageId)>();
        foreach (var result in results)
        {
            if (result.Outcome is SendOutcome.Accepted accepted && DeliveryStatuses.FromProvider(accepted.Status)?.Status is var status
                && !DeliveryStatuses.IsFailure(status ?? ""))
                taken.Add((result, status ?? DeliveryStatuses.Queued, accepted.ProviderMessageId));
            else await RecordOtherOutcomeAsync(session, result);
        }
        if (taken.Count == 0) return;

        var settled = await Deliveries.SettleAllTakenAsync(session,
            taken.Select(t => new TakenDelivery(t.Result.Claim.DeliveryId, t.Result.Claim.ClaimId, t.Status, t.ProviderMessageId)).ToList());
        var sent = new List<(SendResult Result, string Status, string ProviderMessageId)>(taken.Count);
        foreach (var t in taken)
        {
            var (due, plan) = (t.Result.Due, t.Result.Plan);
            if (!settled.Contains(t.Result.Claim.DeliveryId))
            {
                logger.LogError("Survey {SurveyId} attempt {Attempt} was sent as {ProviderMessageId} but its claim was lost",
                    due.SurveyId, due.Attempt, t.ProviderMessageId);
                continue;
            }
            sent.Add(t);
            logger.LogInformation("Survey {SurveyId} attempt {Attempt} sent by {Channel} as {ProviderMessageId}",
                due.SurveyId, due.Attempt, plan.Channel, t.ProviderMessageId);
        }
        if (sent.Count == 0) return;

        var now = session.Clock.GetUtcNow();
        await session.PublishAllAsync(sent.Select(t => new SurveySent(t.Result.Due.SurveyId, t.Result.Due.Attempt, t.Result.Plan.Channel, t.ProviderMessageId, now)));
        // One send that began after the trouble started is proof enough: the latest claim of each channel speaks for all.
        foreach (var channel in sent.GroupBy(t => t.Result.Plan.Channel))
            await senders.RecordAcceptedAsync(session, channel.Key, channel.Max(t => t.Result.Claim.ClaimedAt));
        // A fast status callback may have come in before we knew the message id.
        await DeliveryStatusUpdates.ApplyStoredAsync(session, senders, sent.Select(t => new Delivery
        {
            Id = t.Result.Claim.DeliveryId, SurveyId = t.Result.Due.SurveyId, Attempt = t.Result.Due.Attempt, Channel = t.Result.Plan.Channel,
            Recipient = t.Result.Plan.Recipient, Status = t.Status, ProviderMessageId = t.ProviderMessageId,
        }).ToList());
    }

    /// <summary>An outcome other than a plain acceptance: failed on arrival, refused, in doubt, or to be tried again later.</summary>
    private async Task RecordOtherOutcomeAsync(DbSession session, SendResult result)
    {
        var (due, plan, claim, outcome) = result;
        var (deliveryId, claimId, _) = claim;
        switch (outcome)
        {
            case SendOutcome.Accepted:
                // Taken, but already failed on arrival (Twilio can answer 201 with status "failed").
                if (!await Deliveries.SettleAsync(session, deliveryId, claimId, DeliveryStatuses.Failed,
                        failureReason: DeliveryFailureReasons.ProviderRejected)) return;
                await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, DeliveryFailureReasons.ProviderRejected, null));
                break;

            case SendOutcome.Rejected rejected:
                if (!await Deliveries.SettleAsync(session, deliveryId, claimId, DeliveryStatuses.Failed,
                        failureReason: rejected.Reason, providerErrorCode: rejected.ProviderErrorCode)) return;
                if (rejected.Reason == DeliveryFailureReasons.OptedOut && plan.Channel == Channels.Sms)
                    await SmsConsent.RecordAsync(session, plan.Recipient, optedOut: true, "provider:" + rejected.ProviderErrorCode, session.Clock.GetUtcNow());
                await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, rejected.Reason, rejected.ProviderErrorCode));
                logger.LogWarning("Survey {SurveyId} attempt {Attempt} refused by the provider: {Reason} ({Code}) {Detail}",
                    due.SurveyId, due.Attempt, rejected.Reason, rejected.ProviderErrorCode, rejected.Detail);
                break;

            case SendOutcome.Unknown unknown:
                if (!await Deliveries.SettleAsync(session, deliveryId, claimId, DeliveryStatuses.Failed,
                        failureReason: DeliveryFailureReasons.OutcomeUnknown)) return;
                await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, DeliveryFailureReasons.OutcomeUnknown, null));
                logger.LogWarning("Survey {SurveyId} attempt {Attempt} may or may not have been sent; not retrying: {Detail}",
                    due.SurveyId, due.Attempt, unknown.Detail);
                break;

            case SendOutcome.Unavailable unavailable:
                await senders.RecordUnavailableAsync(session, plan.Channel, unavailable.Detail);
                var earlier = await session.ExecuteScalarAsync<int>("SELECT deferrals FROM deliveries WHERE id = @deliveryId", new { deliveryId });
                var backoff = RetryBackoff.Delay(earlier, unavailable.RetryAfter, messagingOptions.Value.Delivery);
                await DeferAfterAttemptAsync(session, due, plan, claim, new Deferral(session.Clock.GetUtcNow() + backoff, DeliveryDeferralReasons.ProviderUnavailable));
                break;

            case SendOutcome.SenderRefused refused:
                var nextProbe = await senders.RecordRefusedAsync(session, plan.Channel, refused.ProviderErrorCode, refused.Detail);
                await DeferAfterAttemptAsync(session, due, plan, claim,
                    new Deferral(nextProbe, DeliveryDeferralReasons.SenderFault, refused.ProviderErrorCode));
                break;
        }
    }

    private async Task DeferAfterAttemptAsync(DbSession session, SurveyDue due, SendPlan plan, Claim claim, Deferral deferral)
    {
        if (await Deliveries.DeferAsync(session, claim.DeliveryId, claim.ClaimId, deferral))
            await PublishDeferredAsync(session, due, plan, deferral);
    }
}

/// <summary>What the dispatcher will send, to whom, or the reason it cannot.</summary>
internal sealed record SendPlan(
    string Channel,
    string Recipient,
    string Locale,
    string Link,
    string? SmsBody = null,
    RenderedEmail? Email = null,
    string? Failure = null);

/// <summary>What becomes of an attempt now: it fails for good (<see cref="Failure"/>), waits (<see cref="Hold"/>), or goes (neither).</summary>
internal sealed record Verdict(string? Failure = null, Deferral? Hold = null)
{
    public static readonly Verdict Go = new();
}

/// <summary>What the provider made of one claimed send.</summary>
internal sealed record SendResult(SurveyDue Due, SendPlan Plan, Claim Claim, SendOutcome Outcome);

/// <summary>An attempt this sender holds: the delivery row, the claim it holds it under, and when (business time) the claim was taken.</summary>
public sealed record Claim(Guid DeliveryId, Guid ClaimId, DateTimeOffset ClaimedAt);
