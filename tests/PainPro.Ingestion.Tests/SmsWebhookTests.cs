using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PainPro.Contracts;
using PainPro.Instruments;
using PainPro.Ingestion.Sms;
using PainPro.Testing.Twilio;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>The webhook and the alert list through HTTP on a running host: the foundation's thin slice.</summary>
public sealed class SmsWebhookTests
{
    [Fact]
    public async Task Reply_of_nine_after_clinic_baseline_of_six_shows_a_high_pain_progression_alert_in_the_open_list()
    {
        await using var host = await IngestionHost.StartAsync();
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: "+15551230001");
        await host.OpenSurveyAsync(enrollment, survey);

        using var response = await host.TextAsync("+15551230001", "9");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TwiML.Reply(Fixtures.Then(ItemCodes.Vas, 9, ItemCodes.Analgesic)), await response.Content.ReadAsStringAsync());

        var alerts = await host.Client.GetFromJsonAsync<JsonElement>("/api/alerts?status=open");
        var alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal(enrollment.EnrollmentId, alert.GetProperty("enrollmentId").GetGuid());
        Assert.Equal(enrollment.PatientId, alert.GetProperty("patientId").GetGuid());
        Assert.Equal(AlertSeverities.High, alert.GetProperty("severity").GetString());
        Assert.Contains("pain-progression", alert.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("open", alert.GetProperty("status").GetString());
        Assert.Equal("Day 3 pain 9/10 vs 6/10 before the procedure — pain progression: up 3 (flag at ≥ 2); no relief: rose 3 (a response needs a fall of ≥ 2); severe pain: 9/10 (flag at ≥ 8)", alert.GetProperty("summary").GetString());
        Assert.Equal("cementoplasty", alert.GetProperty("procedureType").GetString());
    }

    [Theory]
    [InlineData("+1 (555) 123-0001", "+15551230001")]   // Scheduling kept the number as typed at intake; Twilio sends E.164
    [InlineData("+15551230001", "+1 555-123-0001")]     // a From in another format (a proxy, a test tool)
    [InlineData("+1.555.123.0001", "tel:+1-555-123-0001")]
    public async Task A_Twilio_From_in_another_format_matches_the_surveys_phone(string surveyPhone, string from)
    {
        await using var host = await IngestionHost.StartAsync();
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: surveyPhone);
        await host.OpenSurveyAsync(enrollment, survey);

        using var response = await host.TextAsync(from, "4");

        Assert.Equal(TwiML.Reply(Fixtures.Then(ItemCodes.Vas, 4, ItemCodes.Analgesic)), await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await host.CountAsync("responses WHERE survey_id = @SurveyId AND item = 'vas' AND value = 4", new { survey.SurveyId }));
        Assert.Equal(1, await host.CountAsync("inbound_sms WHERE from_phone = '+15551230001'"));
    }

    [Fact]
    public async Task A_text_with_a_forged_or_missing_signature_gets_403_and_is_stored_nowhere()
    {
        await using var host = await IngestionHost.StartAsync();
        var form = TwilioWebhook.InboundSms("+15551230001", "9");
        var url = host.Host.BaseUrl + TwilioWebhook.SmsPath;

        using var forged = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        forged.Headers.Add(TwilioDouble.SignatureHeader, TwilioDouble.Sign("not-the-token", url, form));
        using var forgedResponse = await host.Client.SendAsync(forged);
        using var unsignedResponse = await host.Client.PostAsync(url, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Forbidden, forgedResponse.StatusCode);
        Assert.Equal("application/problem+json", forgedResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, unsignedResponse.StatusCode);
        Assert.Equal(0, await host.CountAsync("inbound_sms"));
    }

    [Fact]
    public async Task A_signed_text_with_a_NUL_character_or_a_1_MB_body_is_refused_and_stored_nowhere()
    {
        await using var host = await IngestionHost.StartAsync(TestDatabase.Postgres);

        using var nul = await host.TextAsync("+15551230001", "9\0");
        using var huge = await host.TextAsync("+15551230001", new string('9', 1024 * 1024));

        Assert.True(nul.StatusCode == HttpStatusCode.BadRequest, await nul.Content.ReadAsStringAsync());
        Assert.Equal("application/problem+json", nul.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(0, await host.CountAsync("inbound_sms"));
    }

    [Fact]
    public async Task The_same_MessageSid_posted_five_times_at_once_to_a_postgres_backed_host_stores_one_response_and_one_alert()
    {
        await using var host = await IngestionHost.StartAsync(TestDatabase.Postgres);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: "+15551230001");
        await host.OpenSurveyAsync(enrollment, survey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.TextAsync("+15551230001", "9", "SM-five-at-once")));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(bodies.Distinct());
        Assert.Equal(1, await host.CountAsync("responses WHERE survey_id = @SurveyId", new { survey.SurveyId }));
        Assert.Equal(1, await host.CountAsync("alerts WHERE enrollment_id = @EnrollmentId", new { enrollment.EnrollmentId }));
        Assert.Equal(1, await host.CountAsync("outbox WHERE message_type = @type", new { type = typeof(PainAlertRaised).FullName }));
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task Alerts_need_an_api_key_or_a_staff_sign_in()
    {
        await using var host = await IngestionHost.StartAsync();
        using var anonymous = host.Host.CreateClient(withApiKey: false);

        using var response = await anonymous.GetAsync("/api/alerts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
