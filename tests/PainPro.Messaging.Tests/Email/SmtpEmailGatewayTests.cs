using PainPro.Contracts;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Email;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Messaging.Templates;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Email;

/// <summary>Against a real SMTP server: maildev, started by tests/run.sh.</summary>
public class SmtpEmailGatewayTests
{
    private static SmtpEmailGateway Gateway(int? port = null) => new(Options.Create(new MessagingOptions
    {
        OrganisationName = "Riverside Orthopaedics",
        Smtp = new SmtpOptions
        {
            Host = TestInfrastructure.Smtp.Host,
            Port = port ?? TestInfrastructure.Smtp.Port,
            EnableSsl = false, // maildev offers no STARTTLS
            From = "surveys@riverside.example.org",
            Timeout = TimeSpan.FromSeconds(10),
        },
    }));

    [Fact]
    public async Task A_survey_email_arrives_as_multipart_text_and_html_with_the_link_and_the_organisations_name()
    {
        var to = Maildev.UniqueAddress();
        var link = "https://painpro.example.org/s/Zk3vQ9pL2mN8xR4tY7wB1c";
        var rendered = new SurveyTemplates("Riverside Orthopaedics")
            .Email("es", SurveyMessageKind.First, "Inés", link, DateTimeOffset.UtcNow.AddDays(2), "Europe/Madrid");

        var outcome = await Gateway().SendAsync(new EmailMessage(to, rendered.Subject, rendered.TextBody, rendered.HtmlBody, link), CancellationToken.None);

        var accepted = Assert.IsType<SendOutcome.Accepted>(outcome);
        var mail = Assert.Single(await Maildev.WaitForEmailsToAsync(to));
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
        var to = Maildev.UniqueAddress();
        var link = "https://painpro.example.org/s/Zk3vQ9pL2mN8xR4tY7wB1c";
        var rendered = new SurveyTemplates("Riverside Orthopaedics")
            .Email("en", SurveyMessageKind.Reminder, "Ana", link, DateTimeOffset.UtcNow.AddDays(2), "America/New_York");
        var unsubscribe = link + "/unsubscribe";
        Assert.Equal(unsubscribe, rendered.UnsubscribeUrl);

        await Gateway().SendAsync(new EmailMessage(to, rendered.Subject, rendered.TextBody, rendered.HtmlBody, link, rendered.UnsubscribeUrl),
            CancellationToken.None);

        var mail = Assert.Single(await Maildev.WaitForEmailsToAsync(to));
        Assert.Equal($"<{unsubscribe}>", mail["headers"]!["list-unsubscribe"]!.GetValue<string>());
        Assert.Equal("List-Unsubscribe=One-Click", mail["headers"]!["list-unsubscribe-post"]!.GetValue<string>());
        Assert.Contains($"Stop these emails: {unsubscribe}", mail["text"]!.GetValue<string>());
        Assert.Contains($"href=\"{unsubscribe}\"", mail["html"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_SMTP_server_that_is_not_there_is_unavailable_so_the_send_is_retried_later()
    {
        var outcome = await Gateway(port: TestInfrastructure.FreePort())
            .SendAsync(new EmailMessage(Maildev.UniqueAddress(), "s", "t", "<p>h</p>"), CancellationToken.None);

        Assert.IsType<SendOutcome.Unavailable>(outcome);
    }

    [Fact]
    public async Task A_malformed_address_is_refused_for_good()
    {
        var outcome = await Gateway().SendAsync(new EmailMessage("ana at example", "s", "t", "<p>h</p>"), CancellationToken.None);

        Assert.Equal(DeliveryFailureReasons.InvalidAddress, Assert.IsType<SendOutcome.Rejected>(outcome).Reason);
    }
}
