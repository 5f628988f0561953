namespace PainPro.Contracts;

/// <summary>The <c>Reason</c> of <c>SurveyDeliveryFailed</c>: short, stable, kebab-case.</summary>
/// <remarks>
/// Whose fault a failure is decides what happens next: only a fault of the patient's address
/// (<see cref="IsPatientAddressFault"/>) moves the patient to another channel. A fault of our own account or sender
/// never does, nor does one that concerns a single message.
/// </remarks>
public static class DeliveryFailureReasons
{
    /// <summary>The number opted out (STOP, or Twilio 21610): no SMS until it opts back in. The patient's address.</summary>
    public const string OptedOut = "opted-out";

    /// <summary>The survey has no phone (SMS) or no valid email (email) to send to.</summary>
    public const string NoContact = "no-contact";

    public const string UnsupportedChannel = "unsupported-channel";

    /// <summary>The survey window closed before the message could leave.</summary>
    public const string Expired = "expired";

    /// <summary>Twilio 21211/21614 (invalid or landline number): the patient's address.</summary>
    public const string InvalidNumber = "invalid-number";

    /// <summary>An email address the server refused.</summary>
    public const string InvalidAddress = "invalid-address";

    /// <summary>Twilio 21612, 30003, 30005, 30006: the handset or number cannot be reached by SMS. The patient's address.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The carrier did not deliver this one message (Twilio 30007 filtering, 30008 unknown …): nobody moves.</summary>
    public const string DeliveryFailed = "delivery-failed";

    /// <summary>Any other refusal of this one message by the provider: nobody moves.</summary>
    public const string ProviderRejected = "provider-rejected";

    /// <summary>The provider stayed unavailable (outage, 429) until the survey's window closed.</summary>
    public const string ProviderUnavailable = "provider-unavailable";

    /// <summary>
    /// Our own account, sender or content was refused (Twilio 20003, 21606, 30001, 30002 …): after the provider took the
    /// message (a status callback), or until the survey's window closed. Never the patient's fault.
    /// </summary>
    public const string SenderFault = "sender-fault";

    /// <summary>The provider may or may not have taken it (a timeout mid-request): not re-sent, to never text twice.</summary>
    public const string OutcomeUnknown = "outcome-unknown";

    /// <summary>The sender stopped between recording the attempt and hearing back from the provider.</summary>
    public const string SendInterrupted = "send-interrupted";

    /// <summary>
    /// The message may have reached the patient: nothing should be sent again on another channel for this attempt.
    /// </summary>
    public static bool MayHaveArrived(string reason) => reason is OutcomeUnknown or SendInterrupted;

    /// <summary>The patient's phone cannot take texts (invalid, landline, unreachable, opted out): only these move a patient to email.</summary>
    public static bool IsPatientAddressFault(string reason) => reason is InvalidNumber or Unreachable or OptedOut;
}

/// <summary>The <c>Reason</c> of <c>SurveyDeferred</c>: why a send waits in Messaging instead of leaving now.</summary>
public static class DeliveryDeferralReasons
{
    /// <summary>The provider could not take it now (5xx, 429, unreachable); retried with backoff.</summary>
    public const string ProviderUnavailable = DeliveryFailureReasons.ProviderUnavailable;

    /// <summary>The provider refuses our account, sender or content: every send is held until a probe gets through.</summary>
    public const string SenderFault = DeliveryFailureReasons.SenderFault;

    /// <summary>Outside the patient's send window: it goes at the next opening.</summary>
    public const string QuietHours = "quiet-hours";
}
