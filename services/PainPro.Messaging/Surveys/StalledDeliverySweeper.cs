using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Clock;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// Settles attempts nobody will finish. A claim older than its lease, not being sent in this process, belongs to a
/// sender that stopped mid-call (a crash, a SIGKILL): it is sent again, once (<see cref="SurveyDispatcher.ResumeInterruptedAsync"/>).
/// First the provider's message list is asked whether it took the text (then it is recorded as sent, not sent twice);
/// a claim is only taken in the sender's rate-limit turn, right before the call, so only sends truly in flight are
/// ever taken up again. A claim that lapses a second time,
/// or one recorded before requests were kept, is reported failed (<c>send-interrupted</c>) instead.
/// The lease runs in real time (<see cref="LeaseClock"/>): a dev clock jump must not end it, or sends still in flight
/// would be swept. Scheduling hears of the failure through <see cref="SurveyDeliveryFailed"/>.
/// </summary>
public sealed class StalledDeliverySweeper(
    MessagingDb db,
    IServiceScopeFactory scopes,
    InFlightSends inFlight,
    LeaseClock leaseClock,
    IOptions<MessagingOptions> options,
    ILogger<StalledDeliverySweeper> logger) : IDueWork
{
    private const int BatchSize = 100;

    public string Name => "messaging-stalled-deliveries";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var lapsed = await db.InTransactionAsync(session =>
            Deliveries.FindLapsedClaimsAsync(session, leaseClock.GetUtcNow() - options.Value.Delivery.ClaimLease, BatchSize), ct);
        var handled = 0;
        foreach (var delivery in lapsed)
        {
            if (delivery.ClaimId is not { } claim || inFlight.Contains(claim)) continue;
            if (delivery is { Request: not null, Resumed: 0 })
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<SurveyDispatcher>().ResumeInterruptedAsync(delivery, ct)) handled++;
            }
            else if (await SettleInterruptedAsync(delivery, claim, ct)) handled++;
        }
        return handled;
    }

    private Task<bool> SettleInterruptedAsync(Delivery delivery, Guid claim, CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        if (!await Deliveries.SettleAsync(session, delivery.Id, claim, DeliveryStatuses.Failed,
                failureReason: DeliveryFailureReasons.SendInterrupted)) return false;
        await session.PublishAsync(new SurveyDeliveryFailed(delivery.SurveyId, delivery.Attempt, delivery.Channel, DeliveryFailureReasons.SendInterrupted, null));
        logger.LogWarning("Survey {SurveyId} attempt {Attempt} was interrupted mid-send{Again}; reported failed, not re-sent",
            delivery.SurveyId, delivery.Attempt, delivery.Resumed > 0 ? " again" : "");
        return true;
    }, ct);
}
