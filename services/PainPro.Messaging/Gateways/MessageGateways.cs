namespace PainPro.Messaging.Gateways;

/// <summary>
/// An SMS to an E.164 number. <paramref name="Link"/> is the survey or Portal page the message is about; it is not
/// added to the text (the SMS survey is answered by reply), only shown by the dev outbox.
/// </summary>
public sealed record SmsMessage(string To, string Body, string? Link = null);

/// <summary>An email with a plain-text and an HTML part; <paramref name="Link"/> is the page it points to.</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody, string? Link = null);

public interface ISmsGateway
{
    /// <summary>
    /// Sends one SMS, waiting for the sender's rate limit if it has one. Cancelling <paramref name="ct"/> stops
    /// waits (for the rate limit, between retries) but never a request in flight.
    /// </summary>
    Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken ct);
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
