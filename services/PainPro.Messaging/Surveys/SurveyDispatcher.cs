using System.Net.Mail;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Templates;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Data;
using PainPro.Phones;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// Sends one <see cref="SurveyDue"/> to the patient, once per survey and attempt:
/// <list type="number">
/// <item>the sender's rate-limit turn is taken first, so a recorded claim is always a send about to leave;</item>
/// <item>the attempt is recorded (claimed, with the request) and committed BEFORE the provider is called — a
/// redelivered or duplicated <c>SurveyDue</c> finds the row and sends nothing (the row, unique per survey and
/// attempt, is the consumer's inbox: no separate inbox record is needed);</item>
/// <item>the provider is called outside any transaction;</item>
/// <item>the outcome and <c>SurveySent</c> / <c>SurveyDeliveryFailed</c> commit together.</item>
/// </list>
/// An outcome that proves nothing was sent (provider unavailable) releases the attempt for a retry; an ambiguous one
/// (a timeout mid-request) is reported failed rather than risk a double text. A claim whose sender died mid-call
/// (<see cref="StalledDeliverySweeper"/>) is taken up once, by <see cref="ResumeInterruptedAsync"/>: recorded as sent
/// if the provider's message list shows it took the text, sent again if not — the patient must get the survey, once.
/// </summary>
public sealed class SurveyDispatcher(
    MessagingDb db,
    SurveyTemplates templates,
    ISmsGateway smsGateway,
    IEmailGateway emailGateway,
    InFlightSends inFlight,
    LeaseClock leaseClock,
    IOptions<PainProOptions> options,
    ILogger<SurveyDispatcher> logger)
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web);

    /// <summary>Slack for the provider's clock (and its whole-second timestamps) when looking for a text it took.</summary>
    private static readonly TimeSpan ProviderClockSkew = TimeSpan.FromMinutes(1);

    public async Task DispatchAsync(SurveyDue due, CancellationToken ct)
    {
        var plan = Plan(due);
        if (await IsSettledAsync(due, ct)) return;

        var turn = plan is { Failure: null, Channel: Channels.Sms } ? await smsGateway.TakeTurnAsync(ct) : default;
        var claim = await ClaimAsync(due, plan, ct);
        if (claim is null) return;

        var outcome = await SendAsync(due, plan, claim, turn, ct);
        if (outcome is SendOutcome.Unavailable unavailable)
            throw new ProviderUnavailableException($"Survey {due.SurveyId} attempt {due.Attempt} not sent: {unavailable.Detail}");
    }

    /// <summary>
    /// Takes up an attempt whose claim lapsed with nobody in this process sending it: its sender died mid-call. If the
    /// provider took the text it is recorded as sent; if the provider says it did not, or cannot be asked, it is sent
    /// again (a patient who never gets the survey is worse off than one who gets it twice). Done once per attempt;
    /// false when there was nothing to do.
    /// </summary>
    public async Task<bool> ResumeInterruptedAsync(Delivery lapsed, CancellationToken ct)
    {
        var due = JsonSerializer.Deserialize<SurveyDue>(lapsed.Request!, RequestJson)
            ?? throw new InvalidOperationException($"Delivery {lapsed.Id} holds an empty request.");
        var plan = Plan(due);
        var turn = plan is { Failure: null, Channel: Channels.Sms } ? await smsGateway.TakeTurnAsync(ct) : default;
        var claimId = Guid.CreateVersion7();
        var resumed = await db.InTransactionAsync(async session =>
        {
            if (!await Deliveries.TryResumeAsync(session, lapsed.Id, lapsed.ClaimId!.Value, claimId, leaseClock.GetUtcNow())) return false;
            var failure = await FailureAsync(session, due, plan);
            if (failure is null) return true;
            await Deliveries.SettleAsync(session, lapsed.Id, claimId, DeliveryStatuses.Failed, failureReason: failure);
            await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, failure, null));
            return false;
        }, ct);
        if (!resumed) return false;

        var claim = new Claim(lapsed.Id, claimId);
        // Did the provider take it before the sender died? Then it is recorded as sent, not sent twice.
        if (plan.Channel == Channels.Sms && lapsed.LeaseStartedAt is { } claimedAt
            && await smsGateway.FindTakenAsync(SmsFor(plan), claimedAt - ProviderClockSkew, ct) is { } taken)
        {
            logger.LogWarning("Survey {SurveyId} attempt {Attempt}: its sender stopped mid-call after the provider took it as {ProviderMessageId}; recorded, not sent again",
                due.SurveyId, due.Attempt, taken.ProviderMessageId);
            await RecordOutcomeAsync(due, plan, claim, taken);
            return true;
        }

        logger.LogWarning("Survey {SurveyId} attempt {Attempt}: its sender stopped mid-call; sending it again", due.SurveyId, due.Attempt);
        var outcome = await SendAsync(due, plan, claim, turn, ct);
        // No message will be redelivered for a resumed send: an unavailable provider is a failure Scheduling hears of.
        if (outcome is SendOutcome.Unavailable)
            await db.InTransactionAsync(async session =>
            {
                if (await Deliveries.SettleAsync(session, lapsed.Id, null, DeliveryStatuses.Failed, failureReason: DeliveryFailureReasons.ProviderUnavailable))
                    await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, DeliveryFailureReasons.ProviderUnavailable, null));
            }, CancellationToken.None);
        return true;
    }

    private async Task<SendOutcome> SendAsync(SurveyDue due, SendPlan plan, Claim claim, SmsTurn turn, CancellationToken ct)
    {
        using (inFlight.Track(claim.ClaimId))
        {
            var outcome = plan.Channel == Channels.Sms
                ? await smsGateway.SendAsync(SmsFor(plan), turn, ct)
                : await emailGateway.SendAsync(new EmailMessage(plan.Recipient, plan.Email!.Subject, plan.Email.TextBody, plan.Email.HtmlBody, plan.Link), ct);
            // The outcome is recorded even while shutting down: it happened, whatever we do next.
            await RecordOutcomeAsync(due, plan, claim, outcome);
            return outcome;
        }
    }

    private static SmsMessage SmsFor(SendPlan plan) => new(plan.Recipient, plan.SmsBody!, plan.Link);

    /// <summary>What to send where, or why it cannot be sent. Pure: no I/O.</summary>
    internal SendPlan Plan(SurveyDue due)
    {
        var locale = SurveyTemplates.ResolveLocale(due.Locale);
        var kind = due.Attempt == 0 ? SurveyMessageKind.First : SurveyMessageKind.Reminder;
        var link = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/s/{Uri.EscapeDataString(due.LinkToken)}";

        switch (due.Channel)
        {
            case Channels.Sms:
                var phone = PhoneNumber.Normalize(due.Contact.Phone);
                if (phone is null) return new SendPlan(Channels.Sms, "", locale, link, Failure: DeliveryFailureReasons.NoContact);
                return new SendPlan(Channels.Sms, phone, locale, link, SmsBody: templates.Sms(locale, kind, due.Contact.GivenName));
            case Channels.Email:
                if (!MailAddress.TryCreate(due.Contact.Email?.Trim(), out var address))
                    return new SendPlan(Channels.Email, "", locale, link, Failure: DeliveryFailureReasons.NoContact);
                var email = templates.Email(due.Locale, kind, due.Contact.GivenName, link, due.ExpiresAt, due.TimeZone);
                return new SendPlan(Channels.Email, address.Address, locale, link, Email: email);
            default:
                return new SendPlan(due.Channel ?? "", "", locale, link, Failure: DeliveryFailureReasons.UnsupportedChannel);
        }
    }

    /// <summary>
    /// A quick read (no transaction) before waiting for the rate limit: has this attempt been handled already? The
    /// claim decides for certain; this only spares a duplicate its wait.
    /// </summary>
    private Task<bool> IsSettledAsync(SurveyDue due, CancellationToken ct) =>
        db.ReadAsync(connection => connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM deliveries WHERE survey_id = @SurveyId AND attempt = @Attempt AND status <> @retry)",
            new { due.SurveyId, due.Attempt, retry = DeliveryStatuses.Retry }), ct);

    /// <summary>
    /// Records the attempt and returns the claim to send under, or null when there is nothing to send: the attempt
    /// exists already (sent, failed or in flight elsewhere), or it fails here and now (no contact, opted out, expired).
    /// </summary>
    private Task<Claim?> ClaimAsync(SurveyDue due, SendPlan plan, CancellationToken ct) =>
        db.InTransactionAsync<Claim?>(async session =>
        {
            var existing = await Deliveries.FindAsync(session, due.SurveyId, due.Attempt);
            if (existing is not null && existing.Status != DeliveryStatuses.Retry)
            {
                logger.LogDebug("Survey {SurveyId} attempt {Attempt} is already {Status}; not sending again",
                    due.SurveyId, due.Attempt, existing.Status);
                return null;
            }

            var failure = await FailureAsync(session, due, plan);
            if (failure is not null)
            {
                var recorded = existing is null
                    ? await Deliveries.TryInsertAsync(session, due, plan.Channel, plan.Recipient, plan.Locale, DeliveryStatuses.Failed, null, null, failure) is not null
                    : await Deliveries.SettleAsync(session, existing.Id, null, DeliveryStatuses.Failed, failureReason: failure);
                if (!recorded) return null;
                await session.PublishAsync(new SurveyDeliveryFailed(due.SurveyId, due.Attempt, plan.Channel, failure, null));
                logger.LogInformation("Survey {SurveyId} attempt {Attempt} not sent by {Channel}: {Reason}",
                    due.SurveyId, due.Attempt, plan.Channel, failure);
                return null;
            }

            var claimId = Guid.CreateVersion7();
            var leaseStartedAt = leaseClock.GetUtcNow();
            var request = JsonSerializer.Serialize(due, RequestJson);
            if (existing is not null)
                return await Deliveries.TryReclaimAsync(session, existing.Id, claimId, leaseStartedAt, request) ? new Claim(existing.Id, claimId) : null;
            var id = await Deliveries.TryInsertAsync(session, due, plan.Channel, plan.Recipient, plan.Locale, DeliveryStatuses.Claimed, claimId, leaseStartedAt, null, request);
            return id is { } inserted ? new Claim(inserted, claimId) : null;
        }, ct);

    /// <summary>Why the attempt cannot be sent now (no contact, unsupported channel, expired, opted out), or null.</summary>
    private static async Task<string?> FailureAsync(DbSession session, SurveyDue due, SendPlan plan)
    {
        if (plan.Failure is not null) return plan.Failure;
        if (due.ExpiresAt <= session.Clock.GetUtcNow()) return DeliveryFailureReasons.Expired;
        if (plan.Channel == Channels.Sms && await SmsConsent.IsOptedOutAsync(session, plan.Recipient)) return DeliveryFailureReasons.OptedOut;
        return null;
    }

    private Task RecordOutcomeAsync(SurveyDue due, SendPlan plan, Claim claim, SendOutcome outcome) =>
        db.InTransactionAsync(async session =>
        {
            var (deliveryId, claimId) = claim;
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
                    // A fast status callback may have come in before we knew the message id.
                    await DeliveryStatusUpdates.ApplyStoredAsync(session, new Delivery
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
                    // Offered for a retry: the bus's redelivery of this very message takes it again.
                    await Deliveries.SettleAsync(session, deliveryId, claimId, DeliveryStatuses.Retry,
                        failureReason: DeliveryFailureReasons.ProviderUnavailable);
                    logger.LogWarning("Survey {SurveyId} attempt {Attempt} deferred, provider unavailable: {Detail}",
                        due.SurveyId, due.Attempt, unavailable.Detail);
                    return;
            }
        });
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

/// <summary>An attempt this sender holds: the delivery row and the claim it holds it under.</summary>
public sealed record Claim(Guid DeliveryId, Guid ClaimId);

/// <summary>The provider could not take the message and nothing was sent; the bus retries the message later.</summary>
public sealed class ProviderUnavailableException(string message) : Exception(message);
