using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests;

/// <summary>
/// Issue 19 item 5 end to end, on RabbitMQ, PostgreSQL and a real SMTP server (maildev): one facility directory
/// (<c>PainPro:Facilities</c>) configured alike on every host, Scheduling puts the enrollment's facility on
/// <c>SurveyDue</c>, and what the patient receives — the text, the email, and the form its link opens — names the
/// facility and gives its care team's phone.
/// </summary>
public sealed partial class FacilityIdentityTests
{
    private const string Facility = "Riverside Hospital";
    private const string CareTeamPhone = "555-010-0200";

    [Fact]
    public async Task The_text_the_email_and_the_form_a_patient_receives_name_their_facility_and_its_care_team_phone()
    {
        await using var topology = await Topology.StartSeparateAsync(TestDatabase.Postgres, config =>
        {
            // The EHR's facility code is "RIV-01"; patients know it by its name.
            config["PainPro:Facilities:RIV-01:DisplayName"] = Facility;
            config["PainPro:Facilities:RIV-01:CareTeamPhone"] = CareTeamPhone;
            config["PainPro:Messaging:Email:Provider"] = "smtp";
            config["PainPro:Messaging:Smtp:Host"] = TestInfrastructure.Smtp.Host;
            config["PainPro:Messaging:Smtp:Port"] = TestInfrastructure.Smtp.Port.ToString();
            config["PainPro:Messaging:Smtp:EnableSsl"] = "false";
            config["PainPro:Messaging:Smtp:From"] = "surveys@riverside.example.org";
        });
        var scheduling = topology.SchedulingHost.CreateClient();
        var messaging = topology.MessagingHost.CreateClient();
        var phone = "+1555" + Random.Shared.Next(1000000, 9999999);
        var email = $"patient-{Guid.NewGuid():N}@example.org";

        await RegisterDueNowAsync(scheduling, "sms", "en", phone: phone, email: null);
        await RegisterDueNowAsync(scheduling, "email", "es", phone: null, email: email);

        var text = (await Eventually.GetAsync(
            async () => JsonNode.Parse(await messaging.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(phone)}"))!.AsArray(),
            texts => texts.Count > 0, "the survey text in the dev outbox"))[0]!["body"]!.GetValue<string>();
        Assert.StartsWith($"Hi Ana, your care team at {Facility} would like to know how you are doing.", text);
        Assert.Contains($"To talk to us, call {CareTeamPhone}.", text);

        using var maildev = new HttpClient { BaseAddress = new Uri(TestInfrastructure.MaildevApi) };
        var mail = await Eventually.GetAsync(async () => JsonNode.Parse(await maildev.GetStringAsync("/email"))!.AsArray()
                .Select(m => m!.AsObject())
                .FirstOrDefault(m => m["to"]!.AsArray().Any(t => t!["address"]!.GetValue<string>() == email)),
            m => m is not null, $"the survey email to {email} in maildev");
        Assert.Equal($"{Facility}: unas preguntas sobre cómo se encuentra", mail!["subject"]!.GetValue<string>());
        var body = mail["text"]!.GetValue<string>();
        Assert.Contains($"Su equipo médico de {Facility} quiere saber cómo se encuentra.", body);
        Assert.Contains($"Para hablar con su equipo médico, llame al {CareTeamPhone}.", body);
        Assert.Contains(CareTeamPhone, WebUtility.HtmlDecode(mail["html"]!.GetValue<string>()));

        // The link opens the form, which names the facility above the questions and gives the phone under them.
        var link = FormLink().Match(body).Value;
        using var browser = new HttpClient();
        var form = WebUtility.HtmlDecode(await Eventually.GetAsync(async () =>
        {
            using var response = await browser.GetAsync(link);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }, page => page is not null, "Ingestion to open the emailed survey") ?? "");
        Assert.Contains($"<p class=\"facility\">{Facility}</p>", form);
        Assert.Contains(CareTeamPhone, form);
    }

    private static async Task RegisterDueNowAsync(HttpClient scheduling, string channel, string locale, string? phone, string? email)
    {
        var zone = ThinSlice.ZoneInsideSendWindowNow();
        var performedAt = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddDays(-3).AddHours(-1), zone);
        var response = await scheduling.PostAsJsonAsync("/api/procedures", new
        {
            externalId = "EHR-" + Guid.NewGuid().ToString("N")[..10],
            patient = new
            {
                mrn = Random.Shared.Next(100000, 999999).ToString(),
                givenName = "Ana",
                familyName = "Ruiz",
                phone,
                email,
                preferredChannel = channel,
                locale,
                timeZone = zone.Id,
            },
            procedure = new { type = "cementoplasty", bodySite = "femur", performedAt, facility = "RIV-01", surgeon = "Dr. Lee" },
            baseline = new { vas = 6, recordedAt = performedAt.AddHours(-5) },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"POST /api/procedures answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [GeneratedRegex(@"https?://\S+/s/[A-Za-z0-9_-]+")]
    private static partial Regex FormLink();
}
