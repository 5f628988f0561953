using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using PainPro.Messaging.Email;
using PainPro.Messaging.Gateways;

namespace PainPro.Messaging.Tests.Email;

/// <summary>One row per way an SMTP send fails: whose fault it is decides whether the patient, the message or every email waits.</summary>
public class SmtpFailuresTests
{
    private static readonly MailboxAddress Patient = new("", "ana@example.org");

    public static TheoryData<string, Exception, bool, string, string?> Rows => new()
    {
        { "mailbox unknown", new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, Patient, "5.1.1 no such user ana@example.org"), false, "rejected:invalid-address", "550" },
        { "greylisted", new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, (SmtpStatusCode)451, Patient, "4.7.1 try later"), false, "unavailable", null },
        { "server closing", new SmtpCommandException(SmtpErrorCode.SenderNotAccepted, SmtpStatusCode.ServiceNotAvailable, "4.3.2 closing"), false, "unavailable", null },
        { "sender not ours", new SmtpCommandException(SmtpErrorCode.SenderNotAccepted, (SmtpStatusCode)553, "5.7.1 not owned"), false, "sender-refused", "553" },
        { "spam", new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.TransactionFailed, "5.7.1 spam"), true, "rejected:provider-rejected", "554" },
        { "session refused", new SmtpCommandException(SmtpErrorCode.UnexpectedStatusCode, (SmtpStatusCode)554, "no service"), false, "sender-refused", "554" },
        { "wrong password", new AuthenticationException("535 5.7.8 bad credentials"), false, "sender-refused", SmtpFailures.AuthenticationFailed },
        { "login required", new ServiceNotAuthenticatedException("5.7.0 Authentication required"), false, "sender-refused", SmtpFailures.AuthenticationRequired },
        { "untrusted certificate", new SslHandshakeException("certificate"), false, "sender-refused", SmtpFailures.Tls },
        { "no STARTTLS", new NotSupportedException("The SMTP server does not support the STARTTLS extension."), false, "sender-refused", SmtpFailures.Tls },
        { "refused connection", new SocketException((int)SocketError.ConnectionRefused), false, "unavailable", null },
        { "timeout before the message", new TimeoutException(), false, "unavailable", null },
        { "dropped before the message", new SmtpProtocolException("The SMTP server has unexpectedly disconnected."), false, "unavailable", null },
        { "dropped after the message", new SmtpProtocolException("The SMTP server has unexpectedly disconnected."), true, "unknown", null },
        { "timeout after the message", new TimeoutException(), true, "unknown", null },
        { "reset after the message", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)), true, "unknown", null },
    };

    [Theory, MemberData(nameof(Rows))]
    public void Each_failure_is_classified_by_whose_fault_it_is(string row, Exception failure, bool messageWritten, string expected, string? code)
    {
        Assert.True(SmtpFailures.IsSmtpFailure(failure), row);

        var outcome = SmtpFailures.Classify(failure, messageWritten);

        var (kind, providerCode) = outcome switch
        {
            SendOutcome.Rejected r => ($"rejected:{r.Reason}", r.ProviderErrorCode),
            SendOutcome.SenderRefused s => ("sender-refused", s.ProviderErrorCode),
            SendOutcome.Unavailable => ("unavailable", null),
            SendOutcome.Unknown => ("unknown", null),
            _ => (outcome.ToString(), null),
        };
        Assert.Equal((expected, code), (kind, providerCode));
        Assert.DoesNotContain("ana@example.org", outcome.ToString());
    }
}
