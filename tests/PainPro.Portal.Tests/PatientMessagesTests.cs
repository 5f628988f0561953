using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PainPro.Ingestion;
using PainPro.Portal.Clients;
using PainPro.Testing;
using PainPro.Testing.Browser;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>
/// The whole system with a facility whose care-team phone is configured, two patients in their day-3 survey, a text
/// from each that is no answer, and a browser: what staff see of patients' messages.
/// </summary>
public sealed class PatientMessagesFixture : IAsyncLifetime
{
    public const string CareTeamPhone = "555-010-0200";
    public const string EnglishPlea = "7 please call me";
    public const string SpanishPlea = "Dolor 9, tengo fiebre";

    private IPlaywright playwright = null!;

    public PortalSystem System { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public TestPatient English { get; private set; } = null!;
    public TestPatient Spanish { get; private set; } = null!;
    public string EnglishReply { get; private set; } = "";
    public string SpanishReply { get; private set; } = "";

    public async Task InitializeAsync()
    {
        System = await PortalSystem.StartAsync(settings: new Dictionary<string, string?>
        {
            [$"PainPro:Ingestion:FacilityContacts:Facilities:Riverside:CareTeamPhone"] = CareTeamPhone,
        });
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = TestInfrastructure.Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

        English = await SystemData.RegisterAsync(System, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2), facility: "Riverside");
        Spanish = await SystemData.RegisterAsync(System, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2), facility: "Riverside",
            locale: "es");
        await SurveyOpenAsync(English);
        await SurveyOpenAsync(Spanish);
        // By the signed webhook, as Twilio posts them.
        EnglishReply = await TextAsync(English, EnglishPlea);
        SpanishReply = await TextAsync(Spanish, SpanishPlea);
    }

    /// <summary>Waits until Ingestion has opened the patient's day-3 survey (its text and the survey travel separately).</summary>
    private async Task SurveyOpenAsync(TestPatient patient)
    {
        var db = System.Host.Services.GetRequiredService<IngestionDb>();
        await Eventually.TrueAsync(async () => await db.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM surveys WHERE enrollment_id = @EnrollmentId AND status = 'open'", new { patient.EnrollmentId })) == 1,
            "the day-3 survey to open");
    }

    private async Task<string> TextAsync(TestPatient patient, string body)
    {
        using var client = System.Host.CreateClient();
        using var response = await TwilioWebhook.PostSmsAsync(client, System.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken,
            TwilioWebhook.InboundSms(patient.Phone, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(DevPhone.PhoneSimulator.ParseTwiml(await response.Content.ReadAsStringAsync()));
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await System.DisposeAsync();
    }
}

/// <summary>
/// Issue 20: "7 please call me" and "Dolor 9, tengo fiebre" sent by signed webhook reach a person — on the patient's
/// page, on the worklist as patient-message alerts (high: "call me", "fiebre") and in "Messages from patients" — and
/// each patient is answered with the facility's care-team phone.
/// </summary>
public sealed partial class PatientMessagesTests(PatientMessagesFixture fixture) : IClassFixture<PatientMessagesFixture>
{
    private PortalSystem App => fixture.System;

    [Fact]
    public void Each_patient_is_asked_again_and_told_the_facilitys_care_team_phone_and_that_texts_are_not_read_at_once()
    {
        Assert.Contains(PatientMessagesFixture.CareTeamPhone, fixture.EnglishReply);
        Assert.Contains("not right away", fixture.EnglishReply);
        Assert.Contains("Please reply with one number from 0 (no pain) to 10", fixture.EnglishReply);
        Assert.Contains(PatientMessagesFixture.CareTeamPhone, fixture.SpanishReply);
        Assert.Contains("no enseguida", fixture.SpanishReply);
        Assert.Contains("llame al 911", fixture.SpanishReply);
    }

    [Fact]
    public async Task Each_message_is_on_its_patients_page()
    {
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        var english = await nurse.Http.GetStringAsync($"/patients/{fixture.English.PatientId}");
        var spanish = await nurse.Http.GetStringAsync($"/patients/{fixture.Spanish.PatientId}");

        Assert.Contains(PatientMessagesFixture.EnglishPlea, english);
        Assert.DoesNotContain(PatientMessagesFixture.SpanishPlea, english);
        Assert.Contains(PatientMessagesFixture.SpanishPlea, spanish);
        Assert.Contains("Urgent: fiebre", spanish);
    }

    [Fact]
    public async Task Each_message_is_on_the_worklist_as_a_high_patient_message_alert()
    {
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        var worklist = await nurse.Http.GetStringAsync("/");

        Assert.Equal("severity-high", CardSeverity(worklist, "Patient wrote: “Dolor 9, tengo fiebre” (urgent: fiebre)"));
        Assert.Equal("severity-high", CardSeverity(worklist, "Patient wrote: “7 please call me” (urgent: call me)"));
        var alerts = await App.Host.CreateClient().GetFromJsonAsync<List<AlertView>>("/api/alerts?status=open", ServiceApiClient.Json);
        var spanish = Assert.Single(alerts!, a => a.EnrollmentId == fixture.Spanish.EnrollmentId);
        Assert.Equal((["patient-message"], "high"), (spanish.Rules.ToArray(), spanish.Severity), new RulesAndSeverity());
    }

    [Fact]
    public async Task Messages_from_patients_lists_both_newest_first_and_urgent_only_keeps_them()
    {
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        var all = await nurse.Http.GetStringAsync("/messages");
        var urgent = await nurse.Http.GetStringAsync("/messages?show=urgent");

        Assert.True(all.IndexOf(PatientMessagesFixture.SpanishPlea, StringComparison.Ordinal) < all.IndexOf(PatientMessagesFixture.EnglishPlea, StringComparison.Ordinal));
        Assert.Contains(PatientMessagesFixture.EnglishPlea, urgent);
        Assert.Contains($"href=\"/patients/{fixture.English.PatientId}\"", all);
        Assert.Contains(fixture.English.FullName, all);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_messages_list_and_the_patient_page_read_well_with_no_accessibility_violation(bool phone)
    {
        var page = await SignInAsync(phone);
        var size = phone ? "phone" : "desktop";

        await page.GotoAsync($"{App.BaseUrl}/messages");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Messages from patients", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(PatientMessagesFixture.SpanishPlea)).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, $"portal-messages-{size}");
        await Axe.AssertNoViolationsAsync(page, $"Messages from patients ({size})");

        await page.GetByRole(AriaRole.Link, new() { Name = fixture.Spanish.FullName }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Messages from the patient" })).ToBeVisibleAsync();
        // The message itself (the alerts table above quotes it too).
        await Assertions.Expect(page.GetByText(PatientMessagesFixture.SpanishPlea, new() { Exact = true })).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, $"portal-patient-messages-{size}");
        await Axe.AssertNoViolationsAsync(page, $"the patient's page ({size})");
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignInAsync(bool phone)
    {
        var context = await fixture.Browser.NewContextAsync(phone
            ? new() { ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true }
            : new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{App.BaseUrl}/login");
        await page.GetByLabel("User name").FillAsync("nurse");
        await page.GetByLabel("Password").FillAsync(PortalSystem.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync($"{App.BaseUrl}/");
        return page;
    }

    /// <summary>The severity class of the worklist row whose summary is <paramref name="summary"/>.</summary>
    private static string? CardSeverity(string html, string summary)
    {
        html = WebUtility.HtmlDecode(html); // Razor writes “ and ” as character references
        var at = html.IndexOf(summary, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the worklist has no row saying {summary}");
        var row = html.LastIndexOf("<tr class=\"severity-", at, StringComparison.Ordinal);
        Assert.True(row >= 0, $"the summary {summary} is in no worklist row");
        return SeverityClass().Match(html, row).Value;
    }

    [GeneratedRegex("severity-(high|medium|low)")]
    private static partial Regex SeverityClass();

    private sealed class RulesAndSeverity : IEqualityComparer<(string[], string)>
    {
        public bool Equals((string[], string) x, (string[], string) y) => x.Item1.SequenceEqual(y.Item1) && x.Item2 == y.Item2;
        public int GetHashCode((string[], string) obj) => obj.Item2.GetHashCode();
    }
}
