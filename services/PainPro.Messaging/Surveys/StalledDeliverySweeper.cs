using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Clock;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// Settles attempts nobody will finish. A claim older than its lease belongs to a sender that stopped mid-call: the
/// text may have gone, so it is reported failed (<c>send-interrupted</c>) and never re-sent. The lease runs in real
/// time (<see cref="LeaseClock"/>): a dev clock jump must not end it, or sends still in flight would be swept.
/// An attempt left for retry past the retry window (its message went to the error queue) is reported
/// <c>provider-unavailable</c>.
/// Scheduling hears of both through <see cref="SurveyDeliveryFailed"/>.
/// </summary>
public sealed class StalledDeliverySweeper(
    MessagingDb db,
    InFlightSends inFlight,
    LeaseClock leaseClock,
    IOptions<MessagingOptions> options,
    ILogger<StalledDeliverySweeper> logger) : IDueWork
{
    private const int BatchSize = 100;

    public string Name => "messaging-stalled-deliveries";

    public Task<int> RunDueAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var settled = 0;

        foreach (var delivery in await Deliveries.FindLapsedClaimsAsync(session, leaseClock.GetUtcNow() - options.Value.Delivery.ClaimLease, BatchSize))
        {
            if (delivery.ClaimId is { } claim && inFlight.Contains(claim)) continue;
            if (!await Deliveries.SettleAsync(session, delivery.Id, delivery.ClaimId, DeliveryStatuses.Failed,
                    failureReason: DeliveryFailureReasons.SendInterrupted)) continue;
            await session.PublishAsync(new SurveyDeliveryFailed(delivery.SurveyId, delivery.Attempt, delivery.Channel, DeliveryFailureReasons.SendInterrupted, null));
            logger.LogWarning("Survey {SurveyId} attempt {Attempt} was interrupted mid-send; reported failed, not re-sent",
                delivery.SurveyId, delivery.Attempt);
            settled++;
        }

        foreach (var delivery in await Deliveries.FindUnsettledAsync(session, DeliveryStatuses.Retry, now - options.Value.Delivery.RetryWindow, BatchSize))
        {
            if (!await Deliveries.SettleAsync(session, delivery.Id, null, DeliveryStatuses.Failed,
                    failureReason: DeliveryFailureReasons.ProviderUnavailable)) continue;
            await session.PublishAsync(new SurveyDeliveryFailed(delivery.SurveyId, delivery.Attempt, delivery.Channel, DeliveryFailureReasons.ProviderUnavailable, null));
            logger.LogWarning("Survey {SurveyId} attempt {Attempt} could not be sent within the retry window", delivery.SurveyId, delivery.Attempt);
            settled++;
        }
        return settled;
    }, ct);
}
