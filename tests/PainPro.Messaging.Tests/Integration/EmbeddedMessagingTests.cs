using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Contracts;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Messaging.Tests.Integration;

/// <summary>Messaging as AllInOne runs it: SQLite and the in-memory bus.</summary>
[Collection(MessagingHostCollection.Name)]
public class EmbeddedMessagingTests
{
    private static Task<MessagingHost> StartWithDevGatewaysAsync() => MessagingHost.StartAsync(embedded: true, configure: c =>
    {
        c["PainPro:Messaging:Sms:Provider"] = null;   // dev mode's default: the dev gateways
        c["PainPro:Messaging:Email:Provider"] = null;
    });

    [Fact]
    public async Task Dev_gateways_record_texts_and_emails_at_dev_outbox_newest_last_filtered_by_recipient()
    {
        await using var m = await StartWithDevGatewaysAsync();
        var sms = MessagingHost.Due(givenName: "Ana");
        var reminder = sms with { Attempt = 1 };
        var email = MessagingHost.Due(Channels.Email);

        foreach (var due in new[] { sms, reminder, email })
        {
            await m.PublishAsync(due);
            await m.Watcher.WaitForSentAsync(due.SurveyId, due.Attempt);
        }
        using var client = m.Host.CreateClient();
        var texts = JsonNode.Parse(await client.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(sms.Contact.Phone!)}"))!.AsArray();
        var everything = JsonNode.Parse(await client.GetStringAsync("/dev/outbox"))!.AsArray();

        Assert.Equal(2, texts.Count);
        var first = texts[0]!.AsObject();
        Assert.Equal(sms.Contact.Phone, first["to"]!.GetValue<string>());
        Assert.Equal("sms", first["channel"]!.GetValue<string>());
        Assert.StartsWith("Hi Ana,", first["body"]!.GetValue<string>());
        Assert.Equal($"{m.Host.BaseUrl}/s/{sms.LinkToken}", first["link"]!.GetValue<string>());
        Assert.True(first["sentAt"]!.GetValue<DateTimeOffset>() <= texts[1]!["sentAt"]!.GetValue<DateTimeOffset>());
        Assert.Contains("reminder", texts[1]!["body"]!.GetValue<string>());
        Assert.Equal(email.Contact.Email, everything[^1]!["to"]!.GetValue<string>());
        Assert.Equal("email", everything[^1]!["channel"]!.GetValue<string>());
        Assert.Empty(m.Twilio.Requests);
    }

    [Fact]
    public async Task Dev_outbox_does_not_exist_outside_dev_mode()
    {
        await using var m = await MessagingHost.StartAsync(embedded: true, configure: c => c.WithDataProtection()["PainPro:Dev:Enabled"] = "false");
        using var client = m.Host.CreateClient(withApiKey: false);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dev/outbox")).StatusCode);
    }

    [Fact]
    public async Task A_status_callback_not_signed_by_Twilio_for_this_url_gets_403_and_is_stored_nowhere()
    {
        await using var m = await MessagingHost.StartAsync(embedded: true);
        using var client = m.Host.CreateClient(withApiKey: false);
        var url = $"{m.Host.BaseUrl}/webhooks/twilio/status";
        var form = new Dictionary<string, string> { ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["MessageStatus"] = "undelivered", ["ErrorCode"] = "30003" };

        async Task<HttpResponseMessage> PostAsync(string? signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            if (signature is not null) request.Headers.Add(TwilioDouble.SignatureHeader, signature);
            return await client.SendAsync(request);
        }

        var unsigned = await PostAsync(null);
        var wrongToken = await PostAsync(TwilioDouble.Sign("another-token", url, form));
        var wrongUrl = await PostAsync(TwilioDouble.Sign(m.Twilio.AuthToken, "https://elsewhere.example.org/webhooks/twilio/status", form));
        var tampered = await PostAsync(TwilioDouble.Sign(m.Twilio.AuthToken, url, new Dictionary<string, string>(form) { ["ErrorCode"] = "30001" }));

        Assert.All(new[] { unsigned, wrongToken, wrongUrl, tampered }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal("application/problem+json", unsigned.Content.Headers.ContentType?.MediaType);
        await using var connection = await m.Host.Services.GetRequiredService<MessagingDb>().OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM delivery_status_events"));

        var signed = await PostAsync(TwilioDouble.Sign(m.Twilio.AuthToken, url, form));
        Assert.Equal(HttpStatusCode.NoContent, signed.StatusCode);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM delivery_status_events"));
    }

    [Fact]
    public async Task A_signed_status_callback_without_its_required_fields_is_a_400_problem()
    {
        await using var m = await MessagingHost.StartAsync(embedded: true);
        using var client = m.Host.CreateClient(withApiKey: false);
        var url = $"{m.Host.BaseUrl}/webhooks/twilio/status";
        var form = new Dictionary<string, string> { ["MessageStatus"] = "sent" };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioDouble.SignatureHeader, TwilioDouble.Sign(m.Twilio.AuthToken, url, form));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MessageSid", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Opt_out_and_opt_in_events_switch_a_numbers_texts_off_and_on_again()
    {
        await using var m = await MessagingHost.StartAsync(embedded: true);
        var phone = MessagingHost.RandomPhone();
        var due = MessagingHost.Due(phone: phone);
        var now = DateTimeOffset.UtcNow;

        await m.PublishAsync(new PatientOptedOut(phone, "STOP", now));
        await Eventually.TrueAsync(async () => await OptedOutAsync(m, phone), "the opt-out to be recorded");
        await m.PublishAsync(due);
        var failed = await m.Watcher.WaitForFailedAsync(due.SurveyId);

        await m.PublishAsync(new PatientOptedIn(phone, "START", now.AddSeconds(1)));
        await Eventually.TrueAsync(async () => !await OptedOutAsync(m, phone), "the opt-in to be recorded");
        await m.PublishAsync(due with { Attempt = 1 });
        await m.Watcher.WaitForSentAsync(due.SurveyId, attempt: 1);

        Assert.Equal(DeliveryFailureReasons.OptedOut, failed.Reason);
        Assert.Single(m.Twilio.Requests, r => r.To == phone);
    }

    private static async Task<bool> OptedOutAsync(MessagingHost m, string phone)
    {
        await using var connection = await m.Host.Services.GetRequiredService<MessagingDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<bool?>("SELECT opted_out FROM sms_consent WHERE phone = @phone", new { phone }) ?? false;
    }
}
