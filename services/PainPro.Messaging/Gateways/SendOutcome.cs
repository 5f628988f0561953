namespace PainPro.Messaging.Gateways;

/// <summary>
/// What a provider made of one message, classified by whose fault a refusal is. The cases differ in what may happen
/// next: only <see cref="Unavailable"/> and <see cref="SenderRefused"/> are sent again (later), because only there is it
/// certain nothing went out.
/// </summary>
public abstract record SendOutcome
{
    /// <summary>The provider took the message; <paramref name="Status"/> is its first status (queued, sent …).</summary>
    public sealed record Accepted(string ProviderMessageId, string Status) : SendOutcome;

    /// <summary>
    /// The provider refused this message for good — the patient's address (invalid number, opted out …) or the message
    /// itself; <paramref name="Reason"/> (a <c>DeliveryFailureReasons</c> value) says which. Not retried.
    /// </summary>
    public sealed record Rejected(string Reason, string? ProviderErrorCode, string Detail) : SendOutcome;

    /// <summary>
    /// The provider could not be reached or asked us to slow down (5xx, 429, connection refused), and nothing was sent:
    /// deferred, tried again after a backoff (at least <paramref name="RetryAfter"/> when the provider named one).
    /// </summary>
    public sealed record Unavailable(string Detail, TimeSpan? RetryAfter = null) : SendOutcome;

    /// <summary>
    /// The provider refuses our own account, sender or content (bad credentials, a From number that cannot send, a
    /// suspended account), nothing was sent, and no send will get through until someone fixes it: every send is held.
    /// </summary>
    public sealed record SenderRefused(string ProviderErrorCode, string Detail) : SendOutcome;

    /// <summary>The request may or may not have been taken (a timeout mid-request): never re-sent, so no double text.</summary>
    public sealed record Unknown(string Detail) : SendOutcome;
}
