namespace PainPro.Messaging.Gateways;

/// <summary>
/// What a provider made of one message. The four cases differ in what may happen next:
/// only <see cref="Unavailable"/> may be sent again, because only there is it certain nothing went out.
/// </summary>
public abstract record SendOutcome
{
    /// <summary>The provider took the message; <paramref name="Status"/> is its first status (queued, sent …).</summary>
    public sealed record Accepted(string ProviderMessageId, string Status) : SendOutcome;

    /// <summary>The provider refused it for good (invalid number, opted out …): do not retry.</summary>
    public sealed record Rejected(string Reason, string? ProviderErrorCode, string Detail) : SendOutcome;

    /// <summary>The provider could not be reached or asked us to slow down, and nothing was sent: retry later.</summary>
    public sealed record Unavailable(string Detail) : SendOutcome;

    /// <summary>The request may or may not have been taken (a timeout mid-request): never re-sent, so no double text.</summary>
    public sealed record Unknown(string Detail) : SendOutcome;
}
