namespace PainPro.Messaging.Surveys;

/// <summary>States of a delivery row (one survey send attempt).</summary>
public static class DeliveryStatuses
{
    /// <summary>Recorded, provider call in flight. Nothing may send this attempt again.</summary>
    public const string Claimed = "claimed";

    /// <summary>The provider was unavailable and certainly sent nothing: a redelivery may claim it again.</summary>
    public const string Retry = "retry";

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

/// <summary>The <c>Reason</c> of <c>SurveyDeliveryFailed</c>: short, stable, kebab-case.</summary>
public static class DeliveryFailureReasons
{
    /// <summary>The number opted out (STOP, or Twilio 21610): no SMS until it opts back in.</summary>
    public const string OptedOut = "opted-out";

    /// <summary>The survey has no phone (SMS) or no valid email (email) to send to.</summary>
    public const string NoContact = "no-contact";

    public const string UnsupportedChannel = "unsupported-channel";

    /// <summary>The survey window closed before the message could leave.</summary>
    public const string Expired = "expired";

    /// <summary>Twilio 21211/21614, or an email address the server refused.</summary>
    public const string InvalidNumber = "invalid-number";
    public const string InvalidAddress = "invalid-address";

    /// <summary>Twilio 21408/21612: the number cannot be reached by SMS from this sender.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Twilio 30003–30008 on a status callback: the carrier did not deliver it.</summary>
    public const string DeliveryFailed = "delivery-failed";

    /// <summary>Any other refusal by the provider.</summary>
    public const string ProviderRejected = "provider-rejected";

    /// <summary>The provider stayed unavailable for the whole retry window.</summary>
    public const string ProviderUnavailable = "provider-unavailable";

    /// <summary>The provider may or may not have taken it (a timeout mid-request): not re-sent, to never text twice.</summary>
    public const string OutcomeUnknown = "outcome-unknown";

    /// <summary>The sender stopped between recording the attempt and hearing back from the provider.</summary>
    public const string SendInterrupted = "send-interrupted";
}
