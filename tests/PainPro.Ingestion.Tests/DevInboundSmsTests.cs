using System.Net;
using PainPro.Contracts;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The dev tools' way in (the Portal's phone simulator, AllInOne's demo): a patient's text without Twilio's signature,
/// handled exactly as the signed webhook handles it — only in dev mode and only with an API key.
/// </summary>
public sealed class DevInboundSmsTests
{
    private static FormUrlEncodedContent Text(string from, string body, string? messageSid = null) => new(
        new Dictionary<string, string> { ["From"] = from, ["Body"] = body, ["MessageSid"] = messageSid ?? "" });

    /// <summary>A day-3 survey open for +15551230001, after a clinic baseline of 6.</summary>
    private static async Task<(EnrollmentCreated Enrollment, SurveyDue Survey)> OpenDay3SurveyAsync(IngestionHost host)
    {
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: "+15551230001");
        await host.OpenSurveyAsync(enrollment, survey);
        return (enrollment, survey);
    }

    [Fact]
    public async Task A_dev_text_with_an_api_key_is_scored_and_answered_as_the_signed_webhook_answers_it()
    {
        await using var host = await IngestionHost.StartAsync();
        var (enrollment, survey) = await OpenDay3SurveyAsync(host);

        using var response = await host.Client.PostAsync(DevInboundSms.Path, Text("+1 555-123-0001", "9"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TwiML.Reply(Fixtures.Then(ItemCodes.Vas, 9, ItemCodes.Analgesic)), await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await host.CountAsync("responses WHERE survey_id = @SurveyId AND item = 'vas' AND value = 9", new { survey.SurveyId }));
        Assert.Equal(1, await host.CountAsync("alerts WHERE enrollment_id = @EnrollmentId", new { enrollment.EnrollmentId }));
        Assert.Equal(1, await host.CountAsync("inbound_sms WHERE from_phone = '+15551230001' AND message_sid LIKE 'SM%'"));
    }

    [Fact]
    public async Task A_dev_text_posted_twice_with_one_MessageSid_is_taken_once_as_a_Twilio_retry_would_be()
    {
        await using var host = await IngestionHost.StartAsync();
        var (_, survey) = await OpenDay3SurveyAsync(host);

        using var first = await host.Client.PostAsync(DevInboundSms.Path, Text("+15551230001", "4", "SMdev-retry"));
        using var again = await host.Client.PostAsync(DevInboundSms.Path, Text("+15551230001", "4", "SMdev-retry"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await host.CountAsync("inbound_sms"));
        Assert.Equal(1, await host.CountAsync("responses WHERE survey_id = @SurveyId", new { survey.SurveyId }));
    }

    [Fact]
    public async Task Without_an_api_key_or_with_a_bad_sender_the_dev_route_refuses_the_text_and_stores_nothing()
    {
        await using var host = await IngestionHost.StartAsync();
        using var anonymous = host.Host.CreateClient(withApiKey: false);

        using var unauthenticated = await anonymous.PostAsync(DevInboundSms.Path, Text("+15551230001", "9"));
        using var noSender = await host.Client.PostAsync(DevInboundSms.Path, Text("", "9"));
        using var nul = await host.Client.PostAsync(DevInboundSms.Path, Text("+15551230001", "9\0"));
        using var json = await host.Client.PostAsync(DevInboundSms.Path, new StringContent("""{"from":"+15551230001","body":"9"}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noSender.StatusCode);
        Assert.Contains("From", await noSender.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(0, await host.CountAsync("inbound_sms"));
    }

    [Fact]
    public async Task Without_dev_mode_the_dev_route_does_not_exist_and_the_webhook_still_wants_twilios_signature()
    {
        const string key = "ingestion-production-key";
        await using var host = await IngestionHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PainPro:Dev:Enabled"] = "false",
            ["PainPro:Dev:ApiKey"] = null,
            ["PainPro:Clock"] = "system",
            ["PainPro:Auth:ApiKeys:0:Name"] = "ehr",
            ["PainPro:Auth:ApiKeys:0:Sha256"] = PainProAuth.Sha256Hex(key),
        }.WithDataProtection());
        using var integration = host.Host.CreateClient(withApiKey: false);
        integration.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, key);

        using var dev = await integration.PostAsync(DevInboundSms.Path, Text("+15551230001", "9"));
        using var unsigned = await integration.PostAsync(TwilioWebhook.SmsPath, Text("+15551230001", "9", "SMunsigned"));

        Assert.Equal(HttpStatusCode.NotFound, dev.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/alerts")).StatusCode);
        Assert.Equal(0, await host.CountAsync("inbound_sms"));
    }
}
