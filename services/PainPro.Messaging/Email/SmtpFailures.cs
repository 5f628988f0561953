using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;

namespace PainPro.Messaging.Email;

/// <summary>
/// Every way an SMTP send fails, by whose fault, in one place — as <c>TwilioErrors</c> is for texts. A 4xx reply is the
/// server's "not now" (deferred); a 5xx refusal of the recipient is the patient's address; of our sender, our login or
/// the session itself (TLS, authentication required) it is our own account, which holds every email until it clears;
/// of the message, this message alone. A connection that fails before the whole message was written sent nothing
/// (deferred); one that fails after may have delivered it (outcome unknown, never re-sent). Only status codes go into
/// outcomes: server replies often quote the recipient's address, which is never logged.
/// </summary>
public static class SmtpFailures
{
    /// <summary>Whether <paramref name="failure"/> is one the SMTP conversation can throw (anything else is a bug and propagates).</summary>
    public static bool IsSmtpFailure(Exception failure) => failure is SmtpCommandException or SmtpProtocolException
        or AuthenticationException or SslHandshakeException or ServiceNotAuthenticatedException or ServiceNotConnectedException
        or IOException or SocketException or TimeoutException or NotSupportedException;

    /// <summary>
    /// What the failure means. <paramref name="messageWritten"/>: the whole message had been written to the server
    /// before it failed, so the server may have taken it.
    /// </summary>
    public static SendOutcome Classify(Exception failure, bool messageWritten) => failure switch
    {
        SmtpCommandException { StatusCode: var status } when IsTransient(status) =>
            new SendOutcome.Unavailable($"SMTP server deferred the {Stage(failure)} ({Code(status)})"),
        SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted, StatusCode: var status } =>
            new SendOutcome.Rejected(DeliveryFailureReasons.InvalidAddress, Code(status), $"SMTP refused the recipient ({Code(status)})"),
        SmtpCommandException { ErrorCode: SmtpErrorCode.MessageNotAccepted, StatusCode: var status } =>
            new SendOutcome.Rejected(DeliveryFailureReasons.ProviderRejected, Code(status), $"SMTP refused the message ({Code(status)})"),
        SmtpCommandException { ErrorCode: SmtpErrorCode.SenderNotAccepted, StatusCode: var status } =>
            new SendOutcome.SenderRefused(Code(status), $"SMTP refused our sender address ({Code(status)})"),
        SmtpCommandException { StatusCode: var status } =>
            new SendOutcome.SenderRefused(Code(status), $"SMTP refused the session ({Code(status)})"),
        AuthenticationException =>
            new SendOutcome.SenderRefused(AuthenticationFailed, "SMTP authentication failed: check PainPro:Messaging:Smtp:Username and Password"),
        ServiceNotAuthenticatedException =>
            new SendOutcome.SenderRefused(AuthenticationRequired, "The SMTP server requires authentication: set PainPro:Messaging:Smtp:Username and Password"),
        SslHandshakeException =>
            new SendOutcome.SenderRefused(Tls, "TLS with the SMTP server failed (its certificate or protocol): check PainPro:Messaging:Smtp:Host and Security"),
        NotSupportedException =>
            new SendOutcome.SenderRefused(Tls, "The SMTP server does not offer what PainPro:Messaging:Smtp requires (STARTTLS or authentication)"),
        _ when messageWritten =>
            new SendOutcome.Unknown($"Connection to the SMTP server lost after the message was written: {failure.GetType().Name}"),
        _ => new SendOutcome.Unavailable($"SMTP server unreachable: {Describe(failure)}"),
    };

    /// <summary>A session the server ended on its own (idle, closing): nothing was sent, and a new connection may well work.</summary>
    public static bool IsConnectionLost(Exception failure) => failure is IOException or SocketException or SmtpProtocolException
        or ServiceNotConnectedException or SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    /// <summary>Codes for refusals that carry no SMTP status: RFC 4954's 535 and 530, and "tls".</summary>
    public const string AuthenticationFailed = "535";
    public const string AuthenticationRequired = "530";
    public const string Tls = "tls";

    private static bool IsTransient(SmtpStatusCode status) => (int)status is >= 400 and < 500;

    private static string Code(SmtpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);

    private static string Stage(Exception failure) => failure is SmtpCommandException command ? command.ErrorCode switch
    {
        SmtpErrorCode.RecipientNotAccepted => "recipient",
        SmtpErrorCode.SenderNotAccepted => "sender",
        SmtpErrorCode.MessageNotAccepted => "message",
        _ => "session",
    } : "session";

    private static string Describe(Exception failure) => failure switch
    {
        SocketException socket => socket.SocketErrorCode.ToString(),
        IOException { InnerException: SocketException socket } => socket.SocketErrorCode.ToString(),
        _ => failure.GetType().Name,
    };
}
