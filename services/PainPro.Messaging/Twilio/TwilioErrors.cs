using PainPro.Contracts;
using PainPro.Messaging.Surveys;

namespace PainPro.Messaging.Twilio;

/// <summary>A Twilio error code, what it means for us, and whether the number must be suppressed.</summary>
public sealed record TwilioError(int Code, string Reason, string Description, bool SuppressesNumber = false);

/// <summary>
/// The Twilio error codes that change what we do. Codes 21xxx come back on the send request (HTTP 400);
/// 30xxx arrive later on the status callback of an undelivered or failed message.
/// </summary>
public static class TwilioErrors
{
    private static readonly Dictionary<int, TwilioError> Known = new TwilioError[]
    {
        new(21211, DeliveryFailureReasons.InvalidNumber, "Invalid 'To' phone number"),
        new(21614, DeliveryFailureReasons.InvalidNumber, "'To' number is not a valid mobile number"),
        new(21610, DeliveryFailureReasons.OptedOut, "The recipient replied STOP to this sender", SuppressesNumber: true),
        new(21408, DeliveryFailureReasons.Unreachable, "Permission to send an SMS has not been enabled for the region"),
        new(21612, DeliveryFailureReasons.Unreachable, "The 'To' number is not currently reachable via SMS"),
        new(30003, DeliveryFailureReasons.DeliveryFailed, "Unreachable destination handset"),
        new(30004, DeliveryFailureReasons.DeliveryFailed, "Message blocked"),
        new(30005, DeliveryFailureReasons.DeliveryFailed, "Unknown destination handset"),
        new(30006, DeliveryFailureReasons.DeliveryFailed, "Landline or unreachable carrier"),
        new(30007, DeliveryFailureReasons.DeliveryFailed, "Message filtered by the carrier"),
        new(30008, DeliveryFailureReasons.DeliveryFailed, "Unknown delivery error"),
    }.ToDictionary(e => e.Code);

    /// <summary>What a code means; unknown codes are a plain rejection (or, on a callback, a failed delivery).</summary>
    public static TwilioError Describe(int? code, bool onStatusCallback = false)
    {
        if (code is { } c && Known.TryGetValue(c, out var known)) return known;
        var reason = onStatusCallback ? DeliveryFailureReasons.DeliveryFailed : DeliveryFailureReasons.ProviderRejected;
        return new TwilioError(code ?? 0, reason, code is null ? "No error code given" : $"Twilio error {code}");
    }
}
