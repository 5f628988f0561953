using PainPro.Contracts;

namespace PainPro.Messaging.Twilio;

/// <summary>Whose fault a refusal is: what happens next depends on nothing else.</summary>
public enum FaultOf
{
    /// <summary>The patient's number cannot take texts (invalid, landline, unreachable, opted out): the patient moves to email.</summary>
    PatientAddress,

    /// <summary>Our own account, sender or content: every send is held (deferred) until it clears; nobody moves.</summary>
    Sender,

    /// <summary>This one message, and neither of the above (carrier filtering, unknown): recorded, nobody moves.</summary>
    Message,
}

/// <summary>A Twilio error code, whose fault it is, the failure reason we report, and whether the number must be suppressed.</summary>
public sealed record TwilioError(int Code, FaultOf Fault, string Reason, string Description, bool SuppressesNumber = false);

/// <summary>
/// Every Twilio error code that changes what we do, in one table. Codes 2xxxx come back on the create-message request;
/// 3xxxx on the status callback of an undelivered or failed message. The table depends only on the code — not on how
/// the request was made — so it holds whether the code came from our HTTP client, Twilio's SDK or a callback.
/// </summary>
public static class TwilioErrors
{
    private static readonly Dictionary<int, TwilioError> Known = new TwilioError[]
    {
        // The patient's address.
        new(21211, FaultOf.PatientAddress, DeliveryFailureReasons.InvalidNumber, "Invalid 'To' phone number"),
        new(21614, FaultOf.PatientAddress, DeliveryFailureReasons.InvalidNumber, "'To' number is not a valid mobile number"),
        new(21612, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable, "The 'To' number is not currently reachable via SMS"),
        new(30003, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable, "Unreachable destination handset"),
        new(30005, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable, "Unknown destination handset"),
        new(30006, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable, "Landline or unreachable carrier"),
        new(21610, FaultOf.PatientAddress, DeliveryFailureReasons.OptedOut, "The recipient replied STOP to this sender", SuppressesNumber: true),

        // Our account, sender or content.
        new(20003, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "Authentication failed: check the account SID and auth token"),
        new(21606, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "The 'From' number is not a valid, SMS-capable number of this account"),
        new(21659, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "The 'From' number is not a Twilio number of this account"),
        new(21212, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "Invalid 'From' number"),
        new(21703, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "The Messaging Service has no phone numbers in its sender pool"),
        new(21608, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "A trial account can only text verified numbers"),
        new(21408, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "Permission to send SMS has not been enabled for the region"),
        new(30001, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "Queue overflow: the account is sending faster than its numbers allow"),
        new(30002, FaultOf.Sender, DeliveryFailureReasons.SenderFault, "Account suspended"),

        // This one message.
        new(30007, FaultOf.Message, DeliveryFailureReasons.DeliveryFailed, "Message filtered by the carrier"),
        new(30008, FaultOf.Message, DeliveryFailureReasons.DeliveryFailed, "Unknown delivery error"),
    }.ToDictionary(e => e.Code);

    /// <summary>All the codes the table names, for its tests and the README.</summary>
    public static IReadOnlyCollection<TwilioError> All => Known.Values;

    /// <summary>
    /// What a code means. Unknown codes concern the message alone: a plain rejection on the request, a failed delivery
    /// on a callback. An authentication answer without a code (401/403) is our account's fault: pass 20003.
    /// </summary>
    public static TwilioError Describe(int? code, bool onStatusCallback = false)
    {
        if (code is { } c && Known.TryGetValue(c, out var known)) return known;
        var reason = onStatusCallback ? DeliveryFailureReasons.DeliveryFailed : DeliveryFailureReasons.ProviderRejected;
        return new TwilioError(code ?? 0, FaultOf.Message, reason, code is null ? "No error code given" : $"Twilio error {code}");
    }

    /// <summary>The code Twilio uses for a failed authentication, for a 401 or 403 that came without a body.</summary>
    public const int AuthenticationFailed = 20003;
}
