namespace PainPro.Messaging.Gateways;

/// <summary>
/// An SMS to an E.164 number. <paramref name="Link"/> is the survey or Portal page the message is about; it is not
/// added to the text (the SMS survey is answered by reply), only shown by the dev outbox.
/// </summary>
public sealed record SmsMessage(string To, string Body, string? Link = null);

/// <summary>
/// An email with a plain-text and an HTML part; <paramref name="Link"/> is the page it points to;
/// <paramref name="UnsubscribeUrl"/>, when set, goes in <c>List-Unsubscribe</c> with one-click (RFC 8058).
/// </summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody, string? Link = null, string? UnsubscribeUrl = null);

public interface ISmsGateway
{
    /// <summary>
    /// Waits for the sender's next turn under its rate limit (at once when it has none). Taking the turn before
    /// recording a send means a recorded send is one about to leave, never one still queued for the limit.
    /// </summary>
    Task<SmsTurn> TakeTurnAsync(CancellationToken ct);

    /// <summary>
    /// Sends one SMS — one request, no retries — in a turn taken with <see cref="TakeTurnAsync"/>, and says by whose
    /// fault it failed if it did (<see cref="SendOutcome"/>); the caller defers what may be tried again, so quiet hours
    /// and the sender's state are checked before every request. Cancelling <paramref name="ct"/> never stops a request in flight.
    /// </summary>
    Task<SendOutcome> SendAsync(SmsMessage message, SmsTurn turn, CancellationToken ct);

    /// <summary>
    /// Asks the provider whether it already took this text (same recipient and body) at or after
    /// <paramref name="since"/> — what a sender that died mid-call never heard. The message as accepted, or null when
    /// none was found or the provider could not be asked (the caller then sends).
    /// </summary>
    Task<SendOutcome.Accepted?> FindTakenAsync(SmsMessage message, DateTimeOffset since, CancellationToken ct);
}

/// <summary>Proof that the sender's rate limit granted one request: what <see cref="ISmsGateway.SendAsync(SmsMessage, SmsTurn, CancellationToken)"/> spends.</summary>
public readonly record struct SmsTurn(long GrantedAtTimestamp);

public static class SmsGatewayExtensions
{
    /// <summary>Takes a turn and sends in it, for callers with nothing to record in between.</summary>
    public static async Task<SendOutcome> SendAsync(this ISmsGateway gateway, SmsMessage message, CancellationToken ct) =>
        await gateway.SendAsync(message, await gateway.TakeTurnAsync(ct), ct);
}

public interface IEmailGateway
{
    Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>The providers a channel can be configured with.</summary>
public static class Providers
{
    public const string Dev = "dev";
    public const string Twilio = "twilio";
    public const string Smtp = "smtp";
}
