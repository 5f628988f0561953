using System.Net.Http.Json;
using PainPro.Contracts;
using PainPro.Messaging.Email;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Tests.Integration;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Email;

/// <summary>
/// Messaging as deployed (RabbitMQ, PostgreSQL) with email through an SMTP server that refuses our login: the survey
/// email is held, not failed — our account's fault, like Twilio's 20003 for texts — and leaves, once, when the login works.
/// </summary>
[Collection(MessagingHostCollection.Name)]
public sealed class EmailSenderRefusalTests
{
    [Fact]
    public async Task An_email_refused_for_our_login_is_held_shown_as_refused_and_sent_once_when_the_login_works()
    {
        await using var smtp = SmtpServerDouble.Start();
        smtp.Login = ("painpro", "the-new-password");
        await using var m = await MessagingHost.StartAsync(configure: config =>
        {
            config["PainPro:Messaging:Smtp:Host"] = smtp.Host;
            config["PainPro:Messaging:Smtp:Port"] = smtp.Port.ToString();
            config["PainPro:Messaging:Smtp:Username"] = "painpro";
            config["PainPro:Messaging:Smtp:Password"] = "the-old-password";
            config["PainPro:Messaging:Delivery:ProbeInterval"] = "00:00:01";
        });
        using var api = m.Host.CreateClient();
        var due = MessagingHost.Due(Channels.Email);

        await m.PublishAsync(due);
        var refused = await Eventually.GetAsync(() => EmailSenderAsync(api), s => s.State == SenderStates.Refused, "the email sender shown as refused");
        var mailWhileRefused = smtp.Commands.Count(c => c.StartsWith("MAIL", StringComparison.Ordinal));
        smtp.Login = ("painpro", "the-old-password"); // someone fixed the account
        var sent = await m.Watcher.WaitForSentAsync(due.SurveyId, timeout: TimeSpan.FromSeconds(60));
        var recovered = await Eventually.GetAsync(() => EmailSenderAsync(api), s => s.State == SenderStates.Ok, "the email sender back to ok");

        Assert.Equal(SmtpFailures.AuthenticationFailed, refused.ErrorCode);
        Assert.Equal(0, mailWhileRefused); // refused at the login: nothing of the message left
        Assert.Equal(Channels.Email, sent.Channel);
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal([due.Contact.Email!], mail.Recipients);
        Assert.Empty(m.Watcher.Failed);
        Assert.Equal(0, recovered.DeferredSends);
    }

    private static async Task<SenderView> EmailSenderAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<List<SenderView>>("/api/senders"))!.Single(s => s.Channel == Channels.Email);
}
