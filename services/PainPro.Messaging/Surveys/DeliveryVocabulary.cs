namespace PainPro.Messaging.Surveys;

/// <summary>States of a delivery row (one survey send attempt).</summary>
public static class DeliveryStatuses
{
    /// <summary>Recorded, provider call in flight. Nothing may send this attempt again.</summary>
    public const string Claimed = "claimed";

    /// <summary>
    /// Nothing was sent and it waits for its next attempt (provider unavailable, our sender refused, quiet hours):
    /// only the deferred-send loop takes it up again; a redelivered message leaves it alone.
    /// </summary>
    public const string Deferred = "deferred";

    // Provider statuses, as Twilio reports them (email goes straight to sent).
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Undelivered = "undelivered";
    public const string Failed = "failed";

    /// <summary>
    /// Twilio's statuses folded onto ours, with their order: callbacks can arrive out of order, and a status only
    /// ever moves forward. Null for statuses that say nothing about an outbound message.
    /// </summary>
    public static (string Status, int Rank)? FromProvider(string? providerStatus) => providerStatus?.Trim().ToLowerInvariant() switch
    {
        "accepted" or "scheduled" or "queued" => (Queued, 1),
        "sending" => (Sending, 2),
        "sent" => (Sent, 3),
        "delivered" or "read" => (Delivered, 4),
        "undelivered" => (Undelivered, 4),
        "failed" or "canceled" => (Failed, 4),
        _ => null,
    };

    public static int Rank(string status) => FromProvider(status)?.Rank ?? 0;

    public static bool IsFailure(string status) => status is Undelivered or Failed;
}
