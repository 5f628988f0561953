using System.Net.Http.Json;
using System.Security.Cryptography;
using PainPro.Instruments;
using PainPro.Portal.Clients;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>A patient registered through the public API, as an EHR would.</summary>
public sealed record TestPatient(Guid EnrollmentId, Guid PatientId, string Mrn, string GivenName, string FamilyName, string Phone)
{
    public string FullName => $"{GivenName} {FamilyName}";
}

/// <summary>Puts data into a running system the way the outside world does: the intake API and signed SMS replies.</summary>
public static class SystemData
{
    public static async Task<TestPatient> RegisterAsync(PortalSystem system, int baselineVas, TimeSpan performedAgo,
        string procedureType = "cementoplasty", string bodySite = "femur", string facility = "Main", string locale = "en", string timeZone = "UTC")
    {
        var n = RandomNumberGenerator.GetInt32(1_000_000, 9_999_999);
        var patient = new { mrn = $"T{n}", givenName = "Tess" + n % 1000, familyName = "Walker", phone = $"+1555{n}" };
        var performedAt = DateTimeOffset.UtcNow - performedAgo;
        using var client = system.Host.CreateClient();
        var response = await client.PostAsJsonAsync("/api/procedures", new
        {
            externalId = $"TEST-{Guid.NewGuid():N}",
            patient = new
            {
                patient.mrn, patient.givenName, patient.familyName, patient.phone,
                preferredChannel = "sms", locale, timeZone,
            },
            procedure = new { type = procedureType, bodySite, performedAt, facility, surgeon = "Dr. Test" },
            baseline = new { vas = baselineVas, recordedAt = performedAt - TimeSpan.FromHours(2) },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<EnrollmentDetail>(ServiceApiClient.Json))!;
        return new TestPatient(created.EnrollmentId, created.PatientId, patient.mrn, patient.givenName, patient.familyName, patient.phone);
    }

    /// <summary>Waits for the survey text to reach the phone, then answers each item as the patient would.</summary>
    public static async Task AnswerTextsAsync(PortalSystem system, TestPatient patient, params string[] replies)
    {
        using var client = system.Host.CreateClient();
        await Eventually.TrueAsync(async () =>
            (await client.GetFromJsonAsync<List<DevPhone.DevOutboxEntry>>($"/dev/outbox?to={Uri.EscapeDataString(patient.Phone)}"))!.Count > 0,
            "the survey text to be sent");
        foreach (var reply in replies)
        {
            // The text and the open survey travel on the bus separately: until Ingestion has it, a reply finds no survey.
            await Eventually.TrueAsync(async () =>
            {
                var response = await TwilioWebhook.PostSmsAsync(client, system.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken,
                    TwilioWebhook.InboundSms(patient.Phone, reply));
                var answers = DevPhone.PhoneSimulator.ParseTwiml(await response.Content.ReadAsStringAsync());
                return response.IsSuccessStatusCode && !answers.Contains(InstrumentTexts.NoOpenSurvey("en"));
            }, $"the reply '{reply}' to be taken");
        }
    }

    public static async Task<AlertView> OpenAlertAsync(PortalSystem system, TestPatient patient)
    {
        using var client = system.Host.CreateClient();
        var alert = await Eventually.GetAsync(
            async () => (await client.GetFromJsonAsync<List<AlertView>>("/api/alerts?status=open", ServiceApiClient.Json))!
                .FirstOrDefault(a => a.EnrollmentId == patient.EnrollmentId),
            found => found is not null, "the alert to be raised");
        return alert!;
    }
}
