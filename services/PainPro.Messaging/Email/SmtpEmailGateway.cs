using PainPro.Contracts;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Surveys;

namespace PainPro.Messaging.Email;

/// <summary>
/// Sends multipart (plain text + HTML) email over SMTP with <see cref="System.Net.Mail"/>: STARTTLS and
/// authentication as configured. The provider message id is the <c>Message-ID</c> header we set.
/// </summary>
public sealed class SmtpEmailGateway(IOptions<MessagingOptions> options) : IEmailGateway
{
    public async Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        if (!MailAddress.TryCreate(message.To, out var to))
            return new SendOutcome.Rejected(DeliveryFailureReasons.InvalidAddress, null, "Not an email address");

        var from = new MailAddress(
            smtp.From ?? throw new InvalidOperationException("PainPro:Messaging:Smtp:From is not configured."),
            smtp.FromName ?? options.Value.OrganisationName, Encoding.UTF8);
        var messageId = $"<{Guid.CreateVersion7():N}@{from.Host}>";

        using var mail = new MailMessage
        {
            From = from,
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.TextBody,
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
            HeadersEncoding = Encoding.UTF8,
        };
        mail.To.Add(to);
        mail.Headers.Add("Message-ID", messageId);
        if (message.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 2369 and RFC 8058: mail clients offer "Unsubscribe" and POST to the link without asking the patient again.
            mail.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mail.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        // With a plain body and one alternate view, System.Net.Mail writes multipart/alternative: text first, then HTML.
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html));

        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
            UseDefaultCredentials = false,
            Credentials = string.IsNullOrEmpty(smtp.Username) ? null : new NetworkCredential(smtp.Username, smtp.Password),
        };
        try
        {
            // Not cancelled at shutdown: an email half-handed to the server is better finished than left in doubt.
            await client.SendMailAsync(mail, CancellationToken.None);
            return new SendOutcome.Accepted(messageId, "sent");
        }
        // Only status codes go into the outcome: server replies often quote the recipient's address, which is never logged.
        catch (SmtpFailedRecipientException ex) when (!IsTransient(ex.StatusCode))
        {
            return new SendOutcome.Rejected(DeliveryFailureReasons.InvalidAddress, ((int)ex.StatusCode).ToString(), $"SMTP refused the recipient ({ex.StatusCode})");
        }
        catch (SmtpException ex) when (IsTransient(ex.StatusCode))
        {
            return new SendOutcome.Unavailable($"SMTP server unavailable ({ex.StatusCode})");
        }
        catch (SmtpException ex)
        {
            return new SendOutcome.Rejected(DeliveryFailureReasons.ProviderRejected, ((int)ex.StatusCode).ToString(), $"SMTP refused the message ({ex.StatusCode})");
        }
    }

    // 4xx replies and connection failures (GeneralFailure) mean the server did not take the message: try again later.
    private static bool IsTransient(SmtpStatusCode status) =>
        status == SmtpStatusCode.GeneralFailure || ((int)status >= 400 && (int)status < 500);
}
