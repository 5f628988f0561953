using System.Net.Security;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Email;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Messaging.Templates;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Email;

/// <summary>
/// MailKit against a real SMTP server: maildev (started by tests/run.sh) for what arrives, and
/// <see cref="SmtpServerDouble"/> for refusals, dropped connections, TLS and connection reuse.
/// </summary>
public sealed class SmtpEmailGatewayTests : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> owned = [];
    private readonly ManualTimeProvider realTime = new();

    private (SmtpEmailGateway Gateway, SmtpConnectionPool Pool) Gateway(string host, int port, Action<SmtpOptions>? configure = null,
        RemoteCertificateValidationCallback? trust = null)
    {
        var options = new MessagingOptions
        {
            OrganisationName = "Riverside Orthopaedics",
            Smtp = new SmtpOptions
            {
                Host = host,
                Port = port,
                EnableSsl = false, // maildev offers no TLS; the TLS tests say what they want
                From = "surveys@riverside.example.org",
                Timeout = TimeSpan.FromSeconds(10),
            },
        };
        configure?.Invoke(options.Smtp);
        var pool = new SmtpConnectionPool(Options.Create(options), realTime, NullLogger<SmtpConnectionPool>.Instance) { ServerCertificateValidation = trust };
        owned.Add(pool);
        return (new SmtpEmailGateway(Options.Create(options), pool), pool);
    }

    private (SmtpEmailGateway Gateway, SmtpConnectionPool Pool) Maildev(Action<SmtpOptions>? configure = null) =>
        Gateway(TestInfrastructure.Smtp.Host, TestInfrastructure.Smtp.Port, configure);

    private (SmtpEmailGateway Gateway, SmtpConnectionPool Pool) To(SmtpServerDouble server, Action<SmtpOptions>? configure = null,
        RemoteCertificateValidationCallback? trust = null) => Gateway(server.Host, server.Port, configure, trust);

    private SmtpServerDouble Server()
    {
        var server = SmtpServerDouble.Start();
        owned.Add(server);
        return server;
    }

    private static EmailMessage Email(string? to = null) => new(to ?? Support.Maildev.UniqueAddress(), "Subject", "Text body", "<p>Html body</p>");

    [Fact]
    public async Task A_survey_email_arrives_as_multipart_text_and_html_with_the_link_and_the_organisations_name()
    {
        var to = Support.Maildev.UniqueAddress();
        var link = "https://painpro.example.org/s/Zk3vQ9pL2mN8xR4tY7wB1c";
        var rendered = new SurveyTemplates("Riverside Orthopaedics")
            .Email("es", SurveyMessageKind.First, "Inés", link, DateTimeOffset.UtcNow.AddDays(2), "Europe/Madrid");

        var outcome = await Maildev().Gateway.SendAsync(new EmailMessage(to, rendered.Subject, rendered.TextBody, rendered.HtmlBody, link), CancellationToken.None);

        var accepted = Assert.IsType<SendOutcome.Accepted>(outcome);
        var mail = Assert.Single(await Support.Maildev.WaitForEmailsToAsync(to));
        Assert.Equal("Riverside Orthopaedics: unas preguntas sobre cómo se encuentra", mail["subject"]!.GetValue<string>());
        Assert.Equal("Riverside Orthopaedics", mail["from"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("surveys@riverside.example.org", mail["from"]![0]!["address"]!.GetValue<string>());
        Assert.Contains("Hola Inés:", mail["text"]!.GetValue<string>());
        Assert.Contains(link, mail["text"]!.GetValue<string>());
        Assert.Contains($"href=\"{link}\"", mail["html"]!.GetValue<string>());
        Assert.Contains("multipart/alternative", mail["headers"]!["content-type"]!.GetValue<string>());
        Assert.Equal(accepted.ProviderMessageId.Trim('<', '>'), mail["messageId"]!.GetValue<string>().Trim('<', '>'));
    }

    [Fact]
    public async Task A_survey_email_carries_one_click_List_Unsubscribe_and_an_unsubscribe_link_for_its_own_token()
    {
        var to = Support.Maildev.UniqueAddress();
        var link = "https://painpro.example.org/s/Zk3vQ9pL2mN8xR4tY7wB1c";
        var rendered = new SurveyTemplates("Riverside Orthopaedics")
            .Email("en", SurveyMessageKind.Reminder, "Ana", link, DateTimeOffset.UtcNow.AddDays(2), "America/New_York");
        var unsubscribe = link + "/unsubscribe";
        Assert.Equal(unsubscribe, rendered.UnsubscribeUrl);

        await Maildev().Gateway.SendAsync(new EmailMessage(to, rendered.Subject, rendered.TextBody, rendered.HtmlBody, link, rendered.UnsubscribeUrl),
            CancellationToken.None);

        var mail = Assert.Single(await Support.Maildev.WaitForEmailsToAsync(to));
        Assert.Equal($"<{unsubscribe}>", mail["headers"]!["list-unsubscribe"]!.GetValue<string>());
        Assert.Equal("List-Unsubscribe=One-Click", mail["headers"]!["list-unsubscribe-post"]!.GetValue<string>());
        Assert.Contains($"Stop these emails: {unsubscribe}", mail["text"]!.GetValue<string>());
        Assert.Contains($"href=\"{unsubscribe}\"", mail["html"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_of_emails_to_maildev_goes_over_one_connection()
    {
        var (gateway, pool) = Maildev();
        var recipients = Enumerable.Range(0, 5).Select(i => Support.Maildev.UniqueAddress($"batch{i}")).ToList();

        foreach (var to in recipients)
            Assert.IsType<SendOutcome.Accepted>(await gateway.SendAsync(Email(to), CancellationToken.None));

        foreach (var to in recipients) Assert.Single(await Support.Maildev.WaitForEmailsToAsync(to));
        Assert.Equal(1, pool.Opened);
    }

    [Fact]
    public async Task An_SMTP_server_that_is_not_there_is_unavailable_so_the_send_is_retried_later()
    {
        var outcome = await Gateway("127.0.0.1", TestInfrastructure.FreePort()).Gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Unavailable>(outcome);
    }

    [Fact]
    public async Task A_malformed_address_is_refused_for_good_without_a_connection()
    {
        var server = Server();

        var outcome = await To(server).Gateway.SendAsync(Email("ana at example"), CancellationToken.None);

        Assert.Equal(DeliveryFailureReasons.InvalidAddress, Assert.IsType<SendOutcome.Rejected>(outcome).Reason);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task A_session_is_reused_until_its_message_limit_then_a_new_one_opens()
    {
        var server = Server();
        var (gateway, _) = To(server, o => o.MaxMessagesPerConnection = 3);

        for (var i = 0; i < 7; i++) Assert.IsType<SendOutcome.Accepted>(await gateway.SendAsync(Email(), CancellationToken.None));

        Assert.Equal(7, server.Messages.Count);
        Assert.Equal(3, server.Connections); // 3 + 3 + 1
        Assert.Equal(2, server.Commands.Count(c => c == "QUIT")); // the full sessions said goodbye
    }

    [Fact]
    public async Task An_idle_session_past_its_idle_timeout_is_closed_not_reused()
    {
        var server = Server();
        var (gateway, _) = To(server, o => o.IdleTimeout = TimeSpan.FromSeconds(30));

        await gateway.SendAsync(Email(), CancellationToken.None);
        realTime.Advance(TimeSpan.FromSeconds(29));
        await gateway.SendAsync(Email(), CancellationToken.None);
        realTime.Advance(TimeSpan.FromSeconds(31));
        await gateway.SendAsync(Email(), CancellationToken.None);

        Assert.Equal((3, 2), (server.Messages.Count, server.Connections));
    }

    [Fact]
    public async Task A_session_the_server_dropped_while_idle_is_replaced_and_the_email_still_goes_once()
    {
        var server = Server();
        var (gateway, _) = To(server);
        await gateway.SendAsync(Email(), CancellationToken.None);

        await server.DropIdleConnectionsAsync();
        var outcome = await gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Equal((2, 2), (server.Messages.Count, server.Connections));
    }

    [Fact]
    public async Task Concurrent_sends_share_at_most_MaxConnections_sessions()
    {
        var server = Server();
        var (gateway, _) = To(server, o => o.MaxConnections = 2);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => gateway.SendAsync(Email(), CancellationToken.None)));

        Assert.All(outcomes, o => Assert.IsType<SendOutcome.Accepted>(o));
        Assert.Equal(12, server.Messages.Count);
        Assert.InRange(server.MostConnectionsAtOnce, 1, 2);
        Assert.InRange(server.Connections, 1, 2);
    }

    [Fact]
    public async Task A_mailbox_the_server_refuses_is_the_patients_address_and_the_session_stays_usable()
    {
        var server = Server();
        server.RecipientReply = address => address.StartsWith("gone", StringComparison.Ordinal) ? "550 5.1.1 Mailbox unavailable" : null;
        var (gateway, _) = To(server);

        var refused = await gateway.SendAsync(Email("gone@example.org"), CancellationToken.None);
        var next = await gateway.SendAsync(Email("ana@example.org"), CancellationToken.None);

        var rejected = Assert.IsType<SendOutcome.Rejected>(refused);
        Assert.Equal((DeliveryFailureReasons.InvalidAddress, "550"), (rejected.Reason, rejected.ProviderErrorCode));
        Assert.DoesNotContain("gone@", rejected.Detail);
        Assert.IsType<SendOutcome.Accepted>(next);
        Assert.Equal(1, server.Connections);
        Assert.Contains("RSET", server.Commands);
    }

    [Theory]
    [InlineData("451 4.7.1 Greylisted, try again later", null)]
    [InlineData(null, "421 4.3.2 Service shutting down")]
    [InlineData(null, "452 4.3.1 Insufficient system storage")]
    public async Task A_temporary_refusal_is_unavailable_and_deferred(string? recipientReply, string? senderReply)
    {
        var server = Server();
        server.RecipientReply = _ => recipientReply;
        server.SenderReply = senderReply;

        var outcome = await To(server).Gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Unavailable>(outcome);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task A_refused_sender_address_is_our_fault_and_holds_email()
    {
        var server = Server();
        server.SenderReply = "553 5.7.1 Sender address rejected: not owned by user";

        var outcome = await To(server).Gateway.SendAsync(Email(), CancellationToken.None);

        Assert.Equal("553", Assert.IsType<SendOutcome.SenderRefused>(outcome).ProviderErrorCode);
    }

    [Fact]
    public async Task A_message_refused_after_its_data_is_a_rejection_of_that_message()
    {
        var server = Server();
        server.DataReply = "554 5.7.1 Message rejected as spam";

        var outcome = await To(server).Gateway.SendAsync(Email(), CancellationToken.None);

        var rejected = Assert.IsType<SendOutcome.Rejected>(outcome);
        Assert.Equal((DeliveryFailureReasons.ProviderRejected, "554"), (rejected.Reason, rejected.ProviderErrorCode));
    }

    [Fact]
    public async Task Configured_credentials_log_in_and_a_wrong_password_is_our_fault()
    {
        var server = Server();
        server.Login = ("painpro", "right");

        var accepted = await To(server, o => (o.Username, o.Password) = ("painpro", "right")).Gateway.SendAsync(Email(), CancellationToken.None);
        var wrong = await To(server, o => (o.Username, o.Password) = ("painpro", "wrong")).Gateway.SendAsync(Email(), CancellationToken.None);
        var none = await To(server).Gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Accepted>(accepted);
        Assert.Equal(SmtpFailures.AuthenticationFailed, Assert.IsType<SendOutcome.SenderRefused>(wrong).ProviderErrorCode);
        Assert.Equal(SmtpFailures.AuthenticationRequired, Assert.IsType<SendOutcome.SenderRefused>(none).ProviderErrorCode);
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task A_connection_lost_before_the_message_was_written_is_unavailable()
    {
        var server = Server();
        server.DropAtMailFrom = true;

        var outcome = await To(server).Gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Unavailable>(outcome);
        Assert.Equal(1, server.Connections); // a fresh session that fails is not tried again
    }

    [Fact]
    public async Task A_connection_lost_after_the_message_was_written_is_an_unknown_outcome_never_sent_again()
    {
        var server = Server();
        var (gateway, _) = To(server);
        await gateway.SendAsync(Email(), CancellationToken.None); // the session is now a reused one
        server.DropAfterData = true;

        var outcome = await gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Unknown>(outcome);
        Assert.Equal(2, server.Messages.Count); // the server has it: a second copy would be a double email
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task STARTTLS_is_required_by_default_and_the_message_travels_encrypted()
    {
        using var certificate = SmtpServerDouble.CreateCertificate();
        var server = Server();
        server.Certificate = certificate;
        var (gateway, _) = To(server, o => o.EnableSsl = true, trust: Pinned(certificate));

        var outcome = await gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Contains("STARTTLS", server.Commands);
        Assert.True(Assert.Single(server.Messages).OverTls);
    }

    [Fact]
    public async Task Implicit_TLS_speaks_TLS_from_the_first_byte()
    {
        using var certificate = SmtpServerDouble.CreateCertificate();
        var server = Server();
        (server.Certificate, server.ImplicitTls) = (certificate, true);
        var (gateway, _) = To(server, o => o.Security = SecureSocketOptions.SslOnConnect, trust: Pinned(certificate));

        var outcome = await gateway.SendAsync(Email(), CancellationToken.None);

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.DoesNotContain("STARTTLS", server.Commands);
        Assert.True(Assert.Single(server.Messages).OverTls);
    }

    [Fact]
    public async Task A_server_without_STARTTLS_gets_nothing_in_clear_text_when_TLS_is_required()
    {
        var server = Server();

        var outcome = await To(server, o => o.EnableSsl = true).Gateway.SendAsync(Email(), CancellationToken.None);

        Assert.Equal(SmtpFailures.Tls, Assert.IsType<SendOutcome.SenderRefused>(outcome).ProviderErrorCode);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_certificate_nobody_trusts_is_refused_and_nothing_is_sent()
    {
        using var certificate = SmtpServerDouble.CreateCertificate();
        var server = Server();
        server.Certificate = certificate;

        var outcome = await To(server, o => o.EnableSsl = true).Gateway.SendAsync(Email(), CancellationToken.None);

        Assert.Equal(SmtpFailures.Tls, Assert.IsType<SendOutcome.SenderRefused>(outcome).ProviderErrorCode);
        Assert.Empty(server.Messages);
    }

    [Theory]
    [InlineData(true, 465, null, SecureSocketOptions.SslOnConnect)]
    [InlineData(true, 587, null, SecureSocketOptions.StartTls)]
    [InlineData(true, 25, null, SecureSocketOptions.StartTls)]
    [InlineData(false, 465, null, SecureSocketOptions.None)]
    [InlineData(false, 587, SecureSocketOptions.StartTlsWhenAvailable, SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData(true, 2525, SecureSocketOptions.SslOnConnect, SecureSocketOptions.SslOnConnect)]
    public void The_TLS_mode_follows_EnableSsl_and_the_port_unless_Security_names_one(bool enableSsl, int port, SecureSocketOptions? security,
        SecureSocketOptions expected) =>
        Assert.Equal(expected, new SmtpOptions { EnableSsl = enableSsl, Port = port, Security = security }.ResolveSecurity());

    private static RemoteCertificateValidationCallback Pinned(System.Security.Cryptography.X509Certificates.X509Certificate2 expected) =>
        (_, presented, _, _) => presented is not null && presented.GetCertHashString() == expected.GetCertHashString();

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in owned) await resource.DisposeAsync();
    }
}
