using System.Net;
using PainPro.Contracts;
using PainPro.Instruments;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Templates;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Messaging.Tests.Integration;

/// <summary>
/// Messaging as deployed: RabbitMQ, PostgreSQL (and SQL Server where PAINPRO_SQLSERVER names one), the Twilio double and a real SMTP server (maildev).
/// One host per test, each on its own database and virtual host.
/// </summary>
[Collection(MessagingHostCollection.Name)]
public class MessagingOnRabbitMqAndPostgresTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task An_SMS_survey_reaches_Twilio_in_the_patients_language_and_SurveySent_carries_the_message_sid(string provider)
    {
        await using var m = await MessagingHost.StartAsync(provider: provider);
        var due = MessagingHost.Due(locale: "es-MX", givenName: "Lucía");

        await m.PublishAsync(due);

        var sent = await m.Watcher.WaitForSentAsync(due.SurveyId);
        var message = Assert.Single(m.Twilio.AcceptedMessages);
        Assert.Equal((due.Contact.Phone, MessagingHost.Sender), (message.To, message.From));
        // "Lucía" is outside GSM-7, so the compact form keeps the text to two UCS-2 segments; the question is the one wording.
        Assert.StartsWith("Hola Lucía. ¿Qué tan fuerte es el dolor en la zona tratada ahora?", message.Body);
        Assert.Contains("STOP", message.Body);
        Assert.True(SmsSegments.Count(message.Body!).Segments <= 2);
        Assert.Equal($"{m.Host.BaseUrl}/webhooks/twilio/status", message.StatusCallback);
        Assert.Equal((message.MessageSid, Channels.Sms), (sent.ProviderMessageId, sent.Channel));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task An_email_survey_arrives_by_SMTP_with_the_link_in_the_patients_language(string provider)
    {
        await using var m = await MessagingHost.StartAsync(provider: provider);
        var due = MessagingHost.Due(Channels.Email, locale: "en", givenName: "Grace");

        await m.PublishAsync(due);

        var sent = await m.Watcher.WaitForSentAsync(due.SurveyId);
        var mail = Assert.Single(await Maildev.WaitForEmailsToAsync(due.Contact.Email!));
        var link = $"{m.Host.BaseUrl}/s/{due.LinkToken}";
        Assert.Equal("Riverside Orthopaedics: a few questions about how you are doing", mail["subject"]!.GetValue<string>());
        Assert.StartsWith("Hi Grace,", mail["text"]!.GetValue<string>());
        Assert.Contains(link, mail["text"]!.GetValue<string>());
        Assert.Contains($"href=\"{link}\"", mail["html"]!.GetValue<string>());
        Assert.Contains("lang=\"en\"", mail["html"]!.GetValue<string>());
        Assert.Equal(Channels.Email, sent.Channel);
        Assert.Empty(m.Twilio.Requests);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task A_21610_answer_fails_the_send_and_suppresses_the_number_for_the_next_survey(string provider)
    {
        await using var m = await MessagingHost.StartAsync(provider: provider);
        var phone = MessagingHost.RandomPhone();
        m.Twilio.FailMessagesTo(phone, TwilioAnswer.OptedOut());
        var first = MessagingHost.Due(phone: phone);
        var second = MessagingHost.Due(phone: phone);

        await m.PublishAsync(first);
        var refused = await m.Watcher.WaitForFailedAsync(first.SurveyId);
        await m.PublishAsync(second);
        var suppressed = await m.Watcher.WaitForFailedAsync(second.SurveyId);

        Assert.Equal((DeliveryFailureReasons.OptedOut, "21610"), (refused.Reason, refused.ProviderErrorCode));
        Assert.Equal((DeliveryFailureReasons.OptedOut, (string?)null), (suppressed.Reason, suppressed.ProviderErrorCode));
        Assert.Single(m.Twilio.Requests, r => r.To == phone);
        Assert.Empty(m.Watcher.Sent);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task A_burst_of_429_answers_delays_the_sends_but_loses_none_and_doubles_none(string provider)
    {
        await using var m = await MessagingHost.StartAsync(provider: provider);
        m.Twilio.Enqueue(Enumerable.Repeat(TwilioAnswer.TooManyRequests(TimeSpan.FromSeconds(1)), 8).ToArray());
        var surveys = Enumerable.Range(0, 6).Select(_ => MessagingHost.Due()).ToList();

        await Task.WhenAll(surveys.Select(s => m.PublishAsync(s)));

        foreach (var due in surveys) await m.Watcher.WaitForSentAsync(due.SurveyId, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(8, m.Twilio.Requests.Count(r => r.StatusCode == 429));
        Assert.Equal(surveys.Select(s => s.Contact.Phone).Order(), m.Twilio.AcceptedMessages.Select(r => r.To).Order());
        Assert.Empty(m.Watcher.Failed);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task An_undelivered_status_callback_publishes_SurveyDeliveryFailed_with_the_carrier_error_code(string provider)
    {
        await using var m = await MessagingHost.StartAsync(provider: provider);
        var due = MessagingHost.Due();
        await m.PublishAsync(due);
        var sent = await m.Watcher.WaitForSentAsync(due.SurveyId);

        var forged = await m.Twilio.PostStatusCallbackAsync(sent.ProviderMessageId, "delivered", authToken: "not-the-token");
        var progress = await m.Twilio.PostStatusCallbackAsync(sent.ProviderMessageId, "sent");
        var undelivered = await m.Twilio.PostStatusCallbackAsync(sent.ProviderMessageId, "undelivered", "30003");
        var repeat = await m.Twilio.PostStatusCallbackAsync(sent.ProviderMessageId, "undelivered", "30003");

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent],
            new[] { forged, progress, undelivered, repeat }.Select(r => r.StatusCode));
        var failed = await m.Watcher.WaitForFailedAsync(due.SurveyId);
        Assert.Equal(new SurveyDeliveryFailed(due.SurveyId, 0, Channels.Sms, DeliveryFailureReasons.Unreachable, "30003"), failed);
        await Task.Delay(500); // time for a second (wrong) publication to show up
        Assert.Single(m.Watcher.Failed);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task The_same_SurveyDue_three_times_with_the_same_and_a_fresh_message_id_makes_exactly_one_provider_call(string provider)
    {
        await using var m = await MessagingHost.StartAsync(provider: provider);
        var due = MessagingHost.Due();
        var messageId = Guid.NewGuid();

        await m.PublishAsync(due, messageId);
        await m.PublishAsync(due, messageId);
        await m.PublishAsync(due, Guid.NewGuid());

        await Eventually.TrueAsync(() => Task.FromResult(m.Watcher.SurveyDueConsumed >= 3), "all three copies to be consumed");
        await m.Watcher.WaitForSentAsync(due.SurveyId);
        await Task.Delay(500);
        Assert.Single(m.Twilio.Requests);
        Assert.Single(m.Watcher.Sent);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task A_pain_alert_reaches_the_care_team_with_severity_mrn_last4_and_the_portal_link_only(string provider)
    {
        var careTeam = Maildev.UniqueAddress("care-team");
        await using var m = await MessagingHost.StartAsync(configure: c => c["PainPro:Messaging:CareTeam:Emails:0"] = careTeam, provider: provider);
        var alert = new PainAlertRaised(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(),
            ["pain-progression"], AlertSeverities.High, "Day 3 pain 9/10 vs 6/10 before the procedure (rose 3)", DateTimeOffset.UtcNow, "4321");

        await m.PublishAsync(alert);
        await m.PublishAsync(alert); // a repeat of the same event changes nothing

        var mail = Assert.Single(await Maildev.WaitForEmailsToAsync(careTeam));
        var text = mail["text"]!.GetValue<string>();
        Assert.Contains("4321", mail["subject"]!.GetValue<string>());
        Assert.Contains("high", mail["subject"]!.GetValue<string>());
        Assert.Contains($"https://portal.riverside.example.org/alerts/{alert.AlertId}", text);
        Assert.DoesNotContain("9/10", text);
        await Task.Delay(1500);
        Assert.Single(await Maildev.EmailsToAsync(careTeam));
    }
}

/// <summary>Hosts run one at a time and apart from the unit tests, so the rate-limit timings see a quiet machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MessagingHostCollection
{
    public const string Name = "Messaging hosts";
}
