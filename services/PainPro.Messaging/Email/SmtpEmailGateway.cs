using System.Net.Mail;
using MailKit;
using Microsoft.Extensions.Options;
using MimeKit;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;

namespace PainPro.Messaging.Email;

/// <summary>
/// Sends multipart (plain text + HTML) email over SMTP with MailKit, on a session leased from
/// <see cref="SmtpConnectionPool"/> (STARTTLS or implicit TLS and authentication as configured), and says by whose fault
/// it failed (<see cref="SmtpFailures"/>). One message per call, never retried — except that a pooled session the server
/// dropped while idle is replaced once, which is safe: it failed before the message was written. The provider message
/// id is the <c>Message-ID</c> we set.
/// </summary>
public sealed class SmtpEmailGateway(IOptions<MessagingOptions> options, SmtpConnectionPool connections) : IEmailGateway
{
    public async Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken ct)
    {
        if (!MailAddress.TryCreate(message.To, out var to))
            return new SendOutcome.Rejected(DeliveryFailureReasons.InvalidAddress, null, "Not an email address");
        var (mime, messageId) = Build(message, to);

        // Not cancelled at shutdown: an email half-handed to the server is better finished than left in doubt.
        for (var attempt = 1; ; attempt++)
        {
            SmtpLease lease;
            try
            {
                lease = await connections.LeaseAsync();
            }
            catch (Exception ex) when (SmtpFailures.IsSmtpFailure(ex))
            {
                return SmtpFailures.Classify(ex, messageWritten: false);
            }

            await using (lease)
            {
                var progress = new WrittenProgress();
                try
                {
                    await lease.Client.SendAsync(mime, CancellationToken.None, progress);
                    return new SendOutcome.Accepted(messageId, "sent");
                }
                catch (Exception ex) when (SmtpFailures.IsSmtpFailure(ex))
                {
                    if (ex is not MailKit.Net.Smtp.SmtpCommandException || !lease.Client.IsConnected) lease.Discard();
                    if (attempt == 1 && lease.Reused && !progress.Complete && SmtpFailures.IsConnectionLost(ex))
                    {
                        lease.Discard();
                        continue;
                    }
                    return SmtpFailures.Classify(ex, progress.Complete);
                }
            }
        }
    }

    private (MimeMessage Message, string MessageId) Build(EmailMessage message, MailAddress to)
    {
        var smtp = options.Value.Smtp;
        var from = new MailboxAddress(smtp.FromName ?? options.Value.OrganisationName,
            smtp.From ?? throw new InvalidOperationException("PainPro:Messaging:Smtp:From is not configured."));
        var mime = new MimeMessage { Subject = message.Subject, MessageId = $"{Guid.CreateVersion7():N}@{from.Domain}" };
        mime.From.Add(from);
        mime.To.Add(new MailboxAddress("", to.Address));
        // Text first, then HTML: multipart/alternative, so a mail client shows the richest part it can.
        if (message.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 2369 and RFC 8058: mail clients offer "Unsubscribe" and POST to the link without asking the patient again.
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return (mime, $"<{mime.MessageId}>");
    }

    /// <summary>Whether MailKit wrote the whole message: from then on the server may have taken it.</summary>
    private sealed class WrittenProgress : ITransferProgress
    {
        public bool Complete { get; private set; }

        public void Report(long bytesTransferred, long totalSize)
        {
            if (bytesTransferred >= totalSize) Complete = true;
        }

        // MailKit measures the message whenever progress is asked for, so the size is always known; count nothing here.
        public void Report(long bytesTransferred) { }
    }
}
