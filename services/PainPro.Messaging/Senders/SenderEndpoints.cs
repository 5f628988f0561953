using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Messaging.Senders;

/// <param name="State"><c>ok</c>, <c>unavailable</c> (outage: sends deferred and retried) or <c>refused</c> (our account or sender: every send held).</param>
/// <param name="Description">One line for an operator: what the provider said and what happens meanwhile.</param>
/// <param name="DeferredSends">Survey texts and replies waiting for their next attempt on this channel.</param>
public sealed record SenderView(
    string Channel,
    string Sender,
    string State,
    string? ErrorCode,
    string? Description,
    DateTimeOffset? Since,
    DateTimeOffset? NextProbeAt,
    long DeferredSends);

/// <summary>
/// <c>GET /api/senders</c> (staff or API key): our sender's state per channel, for the Portal's admin banner. A channel
/// that never had trouble is listed as <c>ok</c>.
/// </summary>
public static class SenderEndpoints
{
    public static IEndpointConventionBuilder MapSenders(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/senders", ListAsync).RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("senders");

    private static async Task<Ok<List<SenderView>>> ListAsync(SenderStates senders, MessagingDb db, CancellationToken ct)
    {
        var known = (await senders.ListAsync(ct)).ToDictionary(s => s.Channel);
        var deferred = (await db.ReadAsync(c => c.QueryAsync<(string Channel, long Count)>(
            """
            SELECT channel, COUNT(*) FROM deliveries WHERE status = 'deferred' GROUP BY channel
            UNION ALL SELECT 'sms', COUNT(*) FROM sms_replies WHERE status = 'deferred'
            """), ct))
            .GroupBy(r => r.Channel).ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
        var views = new[] { Contracts.Channels.Sms, Contracts.Channels.Email }.Select(channel => known.TryGetValue(channel, out var s)
            ? new SenderView(channel, s.Sender, s.State, s.ErrorCode, s.State == SenderStates.Ok ? null : SenderHealthCheck.Describe(s),
                s.Since, s.NextProbeAt, deferred.GetValueOrDefault(channel))
            : new SenderView(channel, senders.SenderOf(channel), SenderStates.Ok, null, null, null, null, deferred.GetValueOrDefault(channel)));
        return TypedResults.Ok(views.ToList());
    }
}
