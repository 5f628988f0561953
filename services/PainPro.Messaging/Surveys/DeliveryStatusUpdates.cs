using PainPro.Contracts;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Twilio;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Messaging.Surveys;

public enum StatusCallbackResult
{
    /// <summary>The delivery moved to the reported status.</summary>
    Applied,

    /// <summary>The same status for the same message was reported before: nothing changed.</summary>
    Repeated,

    /// <summary>Kept, but it changes nothing: an older status than the one we have, or one we do not track.</summary>
    Ignored,

    /// <summary>Kept for a message we do not know (yet): applied once its send is recorded.</summary>
    Unmatched,
}

/// <summary>
/// Provider status reports for survey deliveries. Each (message, status) is stored once; a delivery's status only
/// moves forward, whatever order the callbacks arrive in; turning undelivered or failed publishes
/// <see cref="SurveyDeliveryFailed"/> once, with the provider's error code and the reason its fault gives
/// (<see cref="TwilioErrors"/>). A code that blames our own account (30001 queue overflow, 30002 suspended) also holds
/// every later send, as a refusal on the request would.
/// </summary>
public static class DeliveryStatusUpdates
{
    public static async Task<StatusCallbackResult> RecordAsync(DbSession session, SenderStates senders, string providerMessageId, string providerStatus, string? errorCode)
    {
        var reported = providerStatus.Trim().ToLowerInvariant();
        var stored = await session.ExecuteAsync(session.Dialect.IsSqlServer
            ? """
              INSERT INTO delivery_status_events (provider_message_id, status, error_code, received_at)
              SELECT @providerMessageId, @reported, @errorCode, @now
              WHERE NOT EXISTS (SELECT 1 FROM delivery_status_events WITH (UPDLOCK, HOLDLOCK)
                                WHERE provider_message_id = @providerMessageId AND status = @reported)
              """
            : """
              INSERT INTO delivery_status_events (provider_message_id, status, error_code, received_at)
              VALUES (@providerMessageId, @reported, @errorCode, @now)
              ON CONFLICT (provider_message_id, status) DO NOTHING
              """,
            new { providerMessageId, reported, errorCode, now = session.Clock.GetUtcNow() });
        if (stored == 0) return StatusCallbackResult.Repeated;

        var delivery = await Deliveries.FindByProviderIdAsync(session, providerMessageId);
        if (delivery is null) return StatusCallbackResult.Unmatched;
        return await ApplyAsync(session, senders, delivery, reported, errorCode)
            ? StatusCallbackResult.Applied
            : StatusCallbackResult.Ignored;
    }

    /// <summary>
    /// Applies, to each delivery whose message id has just been recorded, the furthest status already reported for it
    /// (a fast callback can come in before we knew the id): one look-up for them all.
    /// </summary>
    public static async Task ApplyStoredAsync(DbSession session, SenderStates senders, IReadOnlyList<Delivery> deliveries)
    {
        if (deliveries.Count == 0) return;
        var reports = (await session.QueryAsync<StatusReport>(
            $"""
            SELECT provider_message_id AS ProviderMessageId, status AS Status, error_code AS ErrorCode FROM delivery_status_events
            WHERE {session.Dialect.InStrings("provider_message_id", "ids")} ORDER BY received_at
            """,
            new { ids = deliveries.Select(d => d.ProviderMessageId!).ToArray() })).ToLookup(r => r.ProviderMessageId);
        foreach (var delivery in deliveries)
        {
            var furthest = reports[delivery.ProviderMessageId!]
                .Select(r => (r.Status, r.ErrorCode, Rank: DeliveryStatuses.FromProvider(r.Status)?.Rank ?? 0))
                .OrderByDescending(r => r.Rank)
                .FirstOrDefault();
            if (furthest.Rank > 0) await ApplyAsync(session, senders, delivery, furthest.Status, furthest.ErrorCode);
        }
    }

    private static async Task<bool> ApplyAsync(DbSession session, SenderStates senders, Delivery delivery, string providerStatus, string? errorCode)
    {
        if (DeliveryStatuses.FromProvider(providerStatus) is not { } next) return false;
        if (next.Rank <= DeliveryStatuses.Rank(delivery.Status)) return false;

        var failed = DeliveryStatuses.IsFailure(next.Status);
        var error = failed ? TwilioErrors.Describe(int.TryParse(errorCode, out var code) ? code : null, onStatusCallback: true) : null;
        await Deliveries.AdvanceStatusAsync(session, delivery.Id, next.Status, error?.Reason, errorCode);
        if (error is not null)
        {
            if (error.SuppressesNumber && delivery.Channel == Channels.Sms)
                await SmsConsent.RecordAsync(session, delivery.Recipient, optedOut: true, $"provider:{errorCode}", session.Clock.GetUtcNow());
            if (error.Fault == FaultOf.Sender)
                await senders.RecordRefusedAsync(session, delivery.Channel, errorCode!, $"Twilio reported {errorCode} on a status callback: {error.Description}");
            await session.PublishAsync(new SurveyDeliveryFailed(delivery.SurveyId, delivery.Attempt, delivery.Channel, error.Reason, errorCode));
        }
        return true;
    }

    private sealed record StatusReport
    {
        public string ProviderMessageId { get; init; } = "";
        public string Status { get; init; } = "";
        public string? ErrorCode { get; init; }
    }
}
