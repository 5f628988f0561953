using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Messaging.Senders;
using PainPro.ServiceDefaults.Clock;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// The deferred-send loop: survey texts and emails that could not go when due (provider unavailable, our sender refused,
/// quiet hours) are sent again once their next attempt comes, until the survey's window closes — then, and only then,
/// they are reported failed (<c>expired</c> after quiet hours, else the reason they waited for). A pass picks as many
/// due rows as there are free <see cref="BackgroundSends"/> slots (with <c>SKIP LOCKED</c> on PostgreSQL, pushing their
/// next attempt out by a short lease so no replica picks them twice) and hands them to
/// <see cref="SurveyDispatcher.SendDeferredAsync"/>, which takes the rate-limit turn, checks quiet hours and the sender
/// again and claims the row atomically. While the provider refuses our sender, sends held for it are not picked —
/// except one, as the probe, when the probe is due; the send that gets through wakes them all.
/// </summary>
public sealed class DeferredSurveySends(
    MessagingDb db,
    IServiceScopeFactory scopes,
    BackgroundSends background,
    SenderStates senders,
    ILogger<DeferredSurveySends> logger) : IDueWork
{
    /// <summary>How far a picked row's next attempt is pushed, so the next pass does not pick it while it waits for its turn.</summary>
    private static readonly TimeSpan PickLease = TimeSpan.FromMinutes(2);

    private const int ExpiryBatch = 500;

    public string Name => "messaging-deferred-survey-sends";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var expired = await ExpireAsync(ct);
        var free = background.Free;
        if (free == 0) return expired;

        var picked = await PickAsync(free, ct);
        return expired + background.StartEach<SurveyDispatcher>(picked, scopes, (dispatcher, id, token) => dispatcher.SendDeferredAsync(id, token));
    }

    private Task<List<Guid>> PickAsync(int limit, CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var ids = (await session.QueryAsync<Guid>(
            $"""
            SELECT id FROM deliveries d{session.Dialect.ClaimHint}
            WHERE status = 'deferred' AND next_attempt_at <= @now
              AND (defer_reason IS NULL OR defer_reason <> @senderFault
                   OR NOT EXISTS (SELECT 1 FROM provider_senders p WHERE p.channel = d.channel AND p.state = 'refused'))
            ORDER BY next_attempt_at
            {session.Dialect.Limit("@limit")}{session.Dialect.ForUpdateSkipLocked}
            """, new { now, limit, senderFault = DeliveryDeferralReasons.SenderFault })).AsList();

        // While our sender is refused, one held send goes as the probe when one is due.
        foreach (var channel in new[] { Channels.Sms, Channels.Email })
        {
            if (ids.Count >= limit || await senders.CurrentAsync(channel, session) is not { IsRefused: true, NextProbeAt: { } probeAt } || probeAt > now)
                continue;
            var probe = await session.QuerySingleOrDefaultAsync<Guid?>(
                $"""
                SELECT id FROM deliveries{session.Dialect.ClaimHint}
                WHERE status = 'deferred' AND channel = @channel AND defer_reason = @senderFault
                ORDER BY next_attempt_at
                {session.Dialect.Limit("1")}{session.Dialect.ForUpdateSkipLocked}
                """, new { channel, senderFault = DeliveryDeferralReasons.SenderFault });
            if (probe is { } id && !ids.Contains(id)) ids.Add(id);
        }

        if (ids.Count > 0)
            await session.ExecuteAsync($"UPDATE deliveries SET next_attempt_at = @until WHERE {session.Dialect.InGuids("id", ids)}",
                new { until = now + PickLease });
        return ids;
    }, ct);

    /// <summary>Deferred sends whose survey window has closed: reported failed, the reason they waited for kept.</summary>
    private Task<int> ExpireAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var closed = (await session.QueryAsync<ClosedRow>(
            $"""
            SELECT {session.Dialect.Top("@batch")}id AS Id, survey_id AS SurveyId, attempt AS Attempt, channel AS Channel,
                   defer_reason AS DeferReason, provider_error_code AS ProviderErrorCode
            FROM deliveries{session.Dialect.ClaimHint}
            WHERE status = 'deferred' AND expires_at <= @now
            {session.Dialect.LimitUnordered("@batch")}{session.Dialect.ForUpdateSkipLocked}
            """, new { now, batch = ExpiryBatch })).AsList();
        if (closed.Count == 0) return 0;

        foreach (var reason in closed.GroupBy(FailureReason))
            await session.ExecuteAsync(
                $"""
                UPDATE deliveries SET status = 'failed', failure_reason = @reason, request = NULL, next_attempt_at = NULL, updated_at = @now
                WHERE {session.Dialect.InGuids("id", reason.Select(r => r.Id))}
                """, new { reason = reason.Key, now });
        await session.PublishAllAsync(closed.Select(r => new SurveyDeliveryFailed(r.SurveyId, r.Attempt, r.Channel, FailureReason(r), r.ProviderErrorCode)));
        logger.LogWarning("{Count} deferred survey sends could not go before their windows closed", closed.Count);
        return closed.Count;
    }, ct);

    /// <summary>Quiet hours until the window closed is an expired survey; an outage or a refused sender is named as such.</summary>
    private static string FailureReason(ClosedRow row) => row.DeferReason switch
    {
        DeliveryDeferralReasons.SenderFault => DeliveryFailureReasons.SenderFault,
        DeliveryDeferralReasons.ProviderUnavailable => DeliveryFailureReasons.ProviderUnavailable,
        _ => DeliveryFailureReasons.Expired,
    };

    private sealed record ClosedRow
    {
        public Guid Id { get; init; }
        public Guid SurveyId { get; init; }
        public int Attempt { get; init; }
        public string Channel { get; init; } = "";
        public string? DeferReason { get; init; }
        public string? ProviderErrorCode { get; init; }
    }
}
