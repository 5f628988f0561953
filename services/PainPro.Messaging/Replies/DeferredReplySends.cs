using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Surveys;
using PainPro.ServiceDefaults.Clock;

namespace PainPro.Messaging.Replies;

/// <summary>
/// The replies' due work: drops replies too stale to send (<c>Delivery:ReplyWindow</c>), takes up replies whose sender
/// died mid-call (<see cref="SmsReplySender.ResumeInterruptedAsync"/>), and hands deferred replies whose next attempt has
/// come to <see cref="BackgroundSends"/> (picked with <c>SKIP LOCKED</c>, their next attempt pushed out by a short lease).
/// While our sender is refused, held replies wait for the probe (survey sends probe; a reply goes too if it is the
/// only thing waiting).
/// </summary>
public sealed class DeferredReplySends(
    MessagingDb db,
    IServiceScopeFactory scopes,
    BackgroundSends background,
    InFlightSends inFlight,
    LeaseClock leaseClock,
    SenderStates senders,
    IOptions<MessagingOptions> options) : IDueWork
{
    private static readonly TimeSpan PickLease = TimeSpan.FromMinutes(2);
    private const int BatchSize = 100;

    public string Name => "messaging-deferred-replies";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var handled = await ExpireAsync(ct);

        var lapsed = await db.InTransactionAsync(session =>
            SmsReplySender.FindLapsedClaimsAsync(session, leaseClock.GetUtcNow() - options.Value.Delivery.ClaimLease, BatchSize), ct);
        foreach (var reply in lapsed.Where(r => r.ClaimId is { } claim && !inFlight.Contains(claim)))
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<SmsReplySender>().ResumeInterruptedAsync(reply, ct)) handled++;
        }

        var free = background.Free;
        if (free == 0) return handled;
        return handled + background.StartEach<SmsReplySender>(await PickAsync(free, ct), scopes, (sender, id, token) => sender.SendAsync(id, token));
    }

    private Task<List<Guid>> PickAsync(int limit, CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var refused = await senders.CurrentAsync(Channels.Sms, session) is { IsRefused: true } sender ? sender : null;
        // While refused, only a due probe lets one held reply through (the claim decides whether it is the probe).
        var holdSenderFaults = refused is not null && !(refused.NextProbeAt <= now);
        var ids = (await session.QueryAsync<Guid>(
            $"""
            SELECT id FROM sms_replies{session.Dialect.ClaimHint}
            WHERE status = 'deferred' AND next_attempt_at <= @now AND (@holdSenderFaults = 0 OR defer_reason IS NULL OR defer_reason <> @senderFault)
            ORDER BY next_attempt_at
            {session.Dialect.Limit("@limit")}{session.Dialect.ForUpdateSkipLocked}
            """, new { now, limit = refused is null ? limit : Math.Min(limit, 1), holdSenderFaults = holdSenderFaults ? 1 : 0, senderFault = DeliveryDeferralReasons.SenderFault })).AsList();
        if (ids.Count > 0)
            await session.ExecuteAsync($"UPDATE sms_replies SET next_attempt_at = @until WHERE {session.Dialect.InGuids("id", ids)}",
                new { until = now + PickLease });
        return ids;
    }, ct);

    private Task<int> ExpireAsync(CancellationToken ct) => db.InTransactionAsync(session =>
    {
        var now = session.Clock.GetUtcNow();
        return session.ExecuteAsync(
            """
            UPDATE sms_replies SET status = 'failed', failure_reason = @expired, body = NULL, next_attempt_at = NULL, updated_at = @now
            WHERE status = 'deferred' AND requested_at <= @staleBefore
            """, new { expired = DeliveryFailureReasons.Expired, now, staleBefore = now - options.Value.Delivery.ReplyWindow });
    }, ct);
}
