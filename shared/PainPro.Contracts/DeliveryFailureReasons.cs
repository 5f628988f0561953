namespace PainPro.Contracts;

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

    /// <summary>
    /// The message may have reached the patient: nothing should be sent again on another channel for this attempt.
    /// </summary>
    public static bool MayHaveArrived(string reason) => reason is OutcomeUnknown or SendInterrupted;
}
