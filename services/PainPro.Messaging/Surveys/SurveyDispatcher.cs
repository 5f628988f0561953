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
/// Sends one <see cref="SurveyDue"/> to the patient, once per survey and attempt:
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
/// A send the provider could not take (5xx, 429, no connection) or that our sender's refusal holds is deferred in the
/// database — never in an error queue — and sent again by <see cref="DeferredSurveySends"/> until the survey's window
/// closes; only then is it reported failed. An ambiguous outcome (a timeout mid-request) is reported failed rather than
/// risk a double text. A claim whose sender died mid-call (<see cref="StalledDeliverySweeper"/>) is taken up once, by
/// <see cref="ResumeInterruptedAsync"/>: recorded as sent if the provider's message list shows it took the text, sent
/// again if not — the patient must get the survey, once.
/// </summary>
public sealed class SurveyDispatcher(
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

    /// <summary>The first send of an attempt, from its <see cref="SurveyDue"/>.</summary>
    public async Task DispatchAsync(SurveyDue due, CancellationToken ct)
    {
        var plan = Plan(due);
        if (await IsRecordedAsync(due, ct)) return;

        if (plan.Failure is null && await HoldBeforeTurnAsync(due, plan, ct) is { } hold)
        {
            await db.InTransactionAsync(async session =>
            {
                if (await Deliveries.TryInsertAsync(session, due, plan.Channel, plan.Recipient, plan.Locale, DeliveryStatuses.Deferred,
                        request: Serialize(due), deferral: hold) is not null)
                    await PublishDeferredAsync(session, due, plan, hold);
            }, ct);
            return;
        }

        var turn = await TakeTurnAsync(plan, ct);
        var claim = await ClaimAsync(due, plan, existing: null, ct);
        if (claim is not null) await SendAsync(due, plan, claim, turn, ct);
    }

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
        var claim = await ClaimAsync(due, plan, existing: row, ct);
        if (claim is not null) await SendAsync(due, plan, claim, turn, ct);
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
            await RecordOutcomeAsync(due, plan, claim, taken);
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

    private async Task SendAsync(SurveyDue due, SendPlan plan, Claim claim, SmsTurn turn, CancellationToken ct)
    {
        using (inFlight.Track(claim.ClaimId))
        {
            // The provider's HTTP call is this span's child; ids, channel and outcome only, never the recipient.
            using var activity = SendTelemetry.Start(due, plan.Channel);
            var outcome = plan.Channel == Channels.Sms
                ? await smsGateway.SendAsync(SmsFor(plan), turn, ct)
                : await emailGateway.SendAsync(new EmailMessage(plan.Recipient, plan.Email!.Subject, plan.Email.TextBody, plan.Email.HtmlBody, plan.Link,
                    plan.Email.UnsubscribeUrl), ct);
            SendTelemetry.Finish(activity, outcome);
            // The outcome is recorded even while shutting down: it happened, whatever we do next.
            await RecordOutcomeAsync(due, plan, claim, outcome);
        }
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

    /// <summary>
    /// A quick read (no transaction) before anything else: has this attempt been recorded already — sent, failed, in
    /// flight, or deferred (then the deferred-send loop owns it)? The claim decides for certain; this only spares a
    /// duplicate its wait.
    /// </summary>
    private Task<bool> IsRecordedAsync(SurveyDue due, CancellationToken ct) =>
        db.ReadAsync(connection => connection.ExecuteScalarAsync<bool>(db.Dialect.IsSqlServer
            ? "SELECT CASE WHEN EXISTS (SELECT 1 FROM deliveries WHERE survey_id = @SurveyId AND attempt = @Attempt) THEN 1 ELSE 0 END"
            : "SELECT EXISTS (SELECT 1 FROM deliveries WHERE survey_id = @SurveyId AND attempt = @Attempt)", new { due.SurveyId, due.Attempt }), ct);

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
    /// Records the attempt and returns the claim to send under, or null when there is nothing to send: the attempt is
    /// recorded already (sent, failed, in flight elsewhere, or — for a first send — deferred), it fails here and now
    /// (no contact, opted out, expired), or it must wait (quiet hours, our sender refused) and is deferred.
    /// <paramref name="existing"/> is the deferred row being sent again, null for a first send.
    /// </summary>
    private Task<Claim?> ClaimAsync(SurveyDue due, SendPlan plan, Delivery? existing, CancellationToken ct) =>
        db.InTransactionAsync<Claim?>(async session =>
        {
            if (existing is null && await Deliveries.FindAsync(session, due.SurveyId, due.Attempt) is { } recorded)
            {
                logger.LogDebug("Survey {SurveyId} attempt {Attempt} is already {Status}; not sending again", due.SurveyId, due.Attempt, recorded.Status);
                return null;
            }

            var failure = await FailureAsync(session, due, plan);
            if (failure is not null)
            {
                var settled = existing is null
                    ? await Deliveries.TryInsertAsync(session, due, plan.Channel, plan.Recipient, plan.Locale, DeliveryStatuses.Failed, failureReason: failure) is not null
                    : await Deliveries.SettleAsync(session, existing.Id, null, DeliveryStatuses.Failed, failureReason: failure);
                if (!settled) return null;
                await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, failure, null));
                logger.LogInformation("Survey {SurveyId} attempt {Attempt} not sent by {Channel}: {Reason}", due.SurveyId, due.Attempt, plan.Channel, failure);
                return null;
            }

            // Checked again in the claim: the rate-limit turn can take long, and the window may have closed meanwhile.
            var now = session.Clock.GetUtcNow();
            Deferral? hold = quietHours.HoldUntil(due, now) is { } opening ? new Deferral(opening, DeliveryDeferralReasons.QuietHours) : null;
            if (hold is null && await senders.GateAsync(session, plan.Channel) is SenderGate.Held held)
                hold = new Deferral(held.Until, DeliveryDeferralReasons.SenderFault, held.ErrorCode);
            if (hold is not null)
            {
                var deferred = existing is null
                    ? await Deliveries.TryInsertAsync(session, due, plan.Channel, plan.Recipient, plan.Locale, DeliveryStatuses.Deferred,
                        request: Serialize(due), deferral: hold) is not null
                    : await Deliveries.DeferAsync(session, existing.Id, null, hold);
                if (deferred) await PublishDeferredAsync(session, due, plan, hold);
                return null;
            }

            var claimId = Guid.CreateVersion7();
            var leaseStartedAt = leaseClock.GetUtcNow();
            if (existing is not null)
                return await Deliveries.TryClaimDeferredAsync(session, existing.Id, claimId, leaseStartedAt) ? new Claim(existing.Id, claimId, now) : null;
            var id = await Deliveries.TryInsertAsync(session, due, plan.Channel, plan.Recipient, plan.Locale, DeliveryStatuses.Claimed,
                claimId, leaseStartedAt, request: Serialize(due));
            return id is { } inserted ? new Claim(inserted, claimId, now) : null;
        }, ct);

    /// <summary>Why the attempt cannot be sent now or ever (no contact, unsupported channel, expired, opted out), or null.</summary>
    private static async Task<string?> FailureAsync(DbSession session, SurveyDue due, SendPlan plan)
    {
        if (plan.Failure is not null) return plan.Failure;
        if (due.ExpiresAt <= session.Clock.GetUtcNow()) return DeliveryFailureReasons.Expired;
        if (plan.Channel == Channels.Sms && await SmsConsent.IsOptedOutAsync(session, plan.Recipient)) return DeliveryFailureReasons.OptedOut;
        return null;
    }

    /// <summary>
    /// Tells Scheduling the survey waits, and why. A wait that would outlast the survey's window is no wait: the deferred
    /// loop reports it failed when the window closes (<see cref="DeferredSurveySends"/>).
    /// </summary>
    private Task PublishDeferredAsync(DbSession session, SurveyDue due, SendPlan plan, Deferral deferral)
    {
        logger.LogInformation("Survey {SurveyId} attempt {Attempt} deferred until {NextAttemptAt}: {Reason} {ErrorCode}",
            due.SurveyId, due.Attempt, deferral.NextAttemptAt, deferral.Reason, deferral.ProviderErrorCode);
        return session.PublishAsync(new SurveyDeferred(due.SurveyId, due.Attempt, plan.Channel, deferral.Reason,
            deferral.NextAttemptAt, session.Clock.GetUtcNow(), deferral.ProviderErrorCode));
    }

    private Task RecordOutcomeAsync(SurveyDue due, SendPlan plan, Claim claim, SendOutcome outcome) =>
        db.InTransactionAsync(async session =>
        {
            var (deliveryId, claimId, startedAt) = claim;
            switch (outcome)
            {
                case SendOutcome.Accepted { Status: var first } when DeliveryStatuses.IsFailure(DeliveryStatuses.FromProvider(first)?.Status ?? ""):
                    // Taken, but already failed on arrival (Twilio can answer 201 with status "failed").
                    if (!await Deliveries.SettleAsync(session, deliveryId, claimId, DeliveryStatuses.Failed,
                            failureReason: DeliveryFailureReasons.ProviderRejected)) return;
                    await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, DeliveryFailureReasons.ProviderRejected, null));
                    break;

                case SendOutcome.Accepted accepted:
                    var status = DeliveryStatuses.FromProvider(accepted.Status)?.Status ?? DeliveryStatuses.Queued;
                    if (!await Deliveries.SettleAsync(session, deliveryId, claimId, status, providerMessageId: accepted.ProviderMessageId))
                    {
                        logger.LogError("Survey {SurveyId} attempt {Attempt} was sent as {ProviderMessageId} but its claim was lost",
                            due.SurveyId, due.Attempt, accepted.ProviderMessageId);
                        return;
                    }
                    await session.PublishAsync(new SurveySent(due.SurveyId, due.Attempt, plan.Channel, accepted.ProviderMessageId, session.Clock.GetUtcNow()));
                    await senders.RecordAcceptedAsync(session, plan.Channel, startedAt);
                    // A fast status callback may have come in before we knew the message id.
                    await DeliveryStatusUpdates.ApplyStoredAsync(session, senders, new Delivery
                    {
                        Id = deliveryId, SurveyId = due.SurveyId, Attempt = due.Attempt, Channel = plan.Channel, Recipient = plan.Recipient,
                        Status = status, ProviderMessageId = accepted.ProviderMessageId,
                    });
                    logger.LogInformation("Survey {SurveyId} attempt {Attempt} sent by {Channel} as {ProviderMessageId}",
                        due.SurveyId, due.Attempt, plan.Channel, accepted.ProviderMessageId);
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
        });

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

/// <summary>An attempt this sender holds: the delivery row, the claim it holds it under, and when (business time) the claim was taken.</summary>
public sealed record Claim(Guid DeliveryId, Guid ClaimId, DateTimeOffset ClaimedAt);
