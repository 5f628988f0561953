using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PainPro.Instruments;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests;

/// <summary>
/// The foundation's thin slice, driven through HTTP only: register a procedure whose day-3 survey is due now →
/// the SMS "goes out" (dev outbox) → a signed reply of 9 against a clinic baseline of 6 → a pain-progression alert;
/// answering the last item completes the survey, and Scheduling stops its reminders.
/// </summary>
public sealed class ThinSlice(HttpClient scheduling, HttpClient messaging, HttpClient ingestion, string publicBaseUrl, string twilioAuthToken)
{
    public string Phone { get; } = "+1555" + Random.Shared.Next(1000000, 9999999);
    public Guid EnrollmentId { get; private set; }
    public Guid Day3SurveyId { get; private set; }

    public async Task RegisterProcedureDueNowAsync()
    {
        var zone = ZoneInsideSendWindowNow();
        var now = DateTimeOffset.UtcNow;
        var performedAt = TimeZoneInfo.ConvertTime(now.AddDays(-3).AddHours(-1), zone);
        var request = new
        {
            externalId = "EHR-" + Guid.NewGuid().ToString("N")[..10],
            patient = new
            {
                mrn = Random.Shared.Next(100000, 999999).ToString(),
                givenName = "Ana",
                familyName = "Ruiz",
                phone = Phone,
                preferredChannel = "sms",
                locale = "en",
                timeZone = zone.Id,
            },
            procedure = new { type = "cementoplasty", bodySite = "femur", performedAt, facility = "Main", surgeon = "Dr. Lee" },
            baseline = new { vas = 6, recordedAt = performedAt.AddHours(-5) },
        };

        var response = await scheduling.PostAsJsonAsync("/api/procedures", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/procedures answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        EnrollmentId = body["enrollmentId"]!.GetValue<Guid>();
        var day3 = body["surveys"]!.AsArray().Single(s => s!["timepoint"]!.GetValue<string>() == "day3")!;
        Day3SurveyId = day3["surveyId"]!.GetValue<Guid>();
    }

    /// <summary>Waits for the dev SMS gateway to have sent the day-3 survey, and returns the texts sent to the phone.</summary>
    public async Task<JsonArray> WaitForSurveyTextAsync(TimeSpan? timeout = null) =>
        await Eventually.GetAsync(async () => JsonNode.Parse(await messaging.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(Phone)}"))!.AsArray(),
            texts => texts.Count > 0, "the day-3 survey SMS in the dev outbox", timeout);

    /// <summary>
    /// Replies by SMS through the signed Twilio webhook until Ingestion has opened the survey (its SurveyDue may
    /// arrive a moment after Messaging's), and returns the TwiML answer.
    /// </summary>
    public async Task<string> ReplyAsync(string body, TimeSpan? timeout = null) =>
        await Eventually.GetAsync(async () =>
        {
            var response = await TwilioWebhook.PostSmsAsync(ingestion, publicBaseUrl, twilioAuthToken, TwilioWebhook.InboundSms(Phone, body));
            var twiml = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}: {twiml}");
            return twiml;
        }, twiml => !IsNoOpenSurvey(twiml), $"Ingestion to take the reply '{body}'", timeout);

    public async Task<JsonObject> WaitForOpenAlertAsync(TimeSpan? timeout = null) =>
        await Eventually.GetAsync(async () =>
            JsonNode.Parse(await ingestion.GetStringAsync("/api/alerts?status=open"))!.AsArray()
                .Select(a => a!.AsObject())
                .SingleOrDefault(a => a["enrollmentId"]!.GetValue<Guid>() == EnrollmentId),
            alert => alert is not null, "the open alert of the enrollment", timeout) ?? throw new InvalidOperationException();

    public async Task<JsonObject> WaitForDay3StatusAsync(string status, TimeSpan? timeout = null) =>
        await Eventually.GetAsync(async () =>
            JsonNode.Parse(await scheduling.GetStringAsync($"/api/enrollments/{EnrollmentId}"))!["surveys"]!.AsArray()
                .Select(s => s!.AsObject())
                .Single(s => s["surveyId"]!.GetValue<Guid>() == Day3SurveyId),
            survey => survey["status"]!.GetValue<string>() == status, $"day 3 to be '{status}'", timeout);

    /// <summary>Runs the whole slice and checks each outcome.</summary>
    public async Task RunAsync(TimeSpan? stepTimeout = null)
    {
        await RegisterProcedureDueNowAsync();

        var texts = await WaitForSurveyTextAsync(stepTimeout);
        var text = Assert.Single(texts)!;
        Assert.Contains("Ana", text["body"]!.GetValue<string>());
        Assert.DoesNotContain("cementoplasty", text["body"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        await ReplyAsync("9", stepTimeout);
        var alert = await WaitForOpenAlertAsync(stepTimeout);
        Assert.Contains("pain-progression", alert["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("high", alert["severity"]!.GetValue<string>());
        Assert.Contains("9", alert["summary"]!.GetValue<string>());
        Assert.Contains("6", alert["summary"]!.GetValue<string>());

        // Day 3 also asks about analgesics; answering it completes the survey.
        await ReplyAsync("2", stepTimeout);
        var day3 = await WaitForDay3StatusAsync("completed", stepTimeout);
        Assert.True(day3["nextSendAt"] is null || day3["nextSendAt"]!.GetValueKind() == System.Text.Json.JsonValueKind.Null,
            "a completed survey has no reminder pending");

        var responses = JsonNode.Parse(await ingestion.GetStringAsync($"/api/enrollments/{EnrollmentId}/responses"))!.AsArray();
        Assert.Contains(responses, r => r!["item"]!.GetValue<string>() == "vas" && r["value"]!.GetValue<int>() == 9 && r["source"]!.GetValue<string>() == "sms");
    }

    internal static bool IsNoOpenSurvey(string twiml)
    {
        var message = System.Xml.Linq.XElement.Parse(twiml).Element("Message")?.Value ?? "";
        return InstrumentCatalog.SupportedLocales.Any(locale => message.Contains(InstrumentTexts.NoOpenSurvey(locale).Trim(), StringComparison.Ordinal));
    }

    /// <summary>A zone whose local time is well inside the 09:00–19:00 send window right now, so "due now" sends now.</summary>
    internal static TimeZoneInfo ZoneInsideSendWindowNow()
    {
        string[] candidates = ["Pacific/Kiritimati", "Asia/Tokyo", "Asia/Kolkata", "Europe/London", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "Pacific/Pago_Pago"];
        foreach (var id in candidates)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
            if (local.Hour is >= 10 and <= 16) return zone;
        }
        throw new InvalidOperationException("No candidate zone is inside its send window now; the list must cover every hour.");
    }
}
