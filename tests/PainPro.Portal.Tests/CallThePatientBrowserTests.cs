using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PainPro.Portal.Clients;
using PainPro.Testing;
using PainPro.Testing.Browser;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>
/// Issue 19 item 2 in system Chromium: the alert and patient pages carry everything needed to call the patient (a
/// <c>tel:</c> link, channel, language, opt-outs, the patient's time now), the patient's past alerts, times with their
/// zone, and a form for the answers taken on the call (the staff-entered-answers API, audited). axe-core and
/// screenshots at 1366 × 900 and 390 × 844 for both pages.
/// </summary>
public sealed class CallThePatientBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private PortalSystem App => fixture.System;

    [Fact]
    public async Task The_alert_page_has_what_a_call_needs_and_records_the_answers_taken_on_it()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2),
            locale: "es", timeZone: "America/New_York");
        await SystemData.AnswerTextsAsync(App, patient, "9");
        var first = await SystemData.OpenAlertAsync(App, patient);
        using var api = App.Host.CreateClient();
        (await api.PostAsJsonAsync($"/api/alerts/{first.AlertId}/resolve", new { outcome = "advice-given", note = "spoke to her" })).EnsureSuccessStatusCode();
        // After the resolution the patient writes: a new alert, and the first one is now in the past.
        await TwilioWebhook.PostSmsAsync(api, App.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken,
            TwilioWebhook.InboundSms(patient.Phone, "por favor llámenme"));
        var alert = await SystemData.OpenAlertAsync(App, patient);
        Assert.NotEqual(first.AlertId, alert.AlertId);

        var page = await fixture.SignInAsync("nurse");
        await page.GotoAsync($"{App.BaseUrl}/alerts/{alert.AlertId}");
        var contact = page.Locator("section.contact");
        var e164 = patient.Phone;
        var dial = contact.Locator($"a[href='tel:{e164}']");
        await Assertions.Expect(dial).ToHaveTextAsync($"+1 {e164[2..5]}-{e164[5..8]}-{e164[8..]}");
        await Assertions.Expect(contact).ToContainTextAsync("Text messages (SMS)");
        await Assertions.Expect(contact).ToContainTextAsync("Spanish (es)");
        await Assertions.Expect(contact).ToContainTextAsync("None: texts and emails allowed");
        await Assertions.Expect(contact.Locator(".local-time")).ToContainTextAsync("(America/New_York, UTC−");
        // Every time on the page carries its zone (the Portal's, UTC in tests).
        foreach (var time in await page.Locator("dl.facts time, .history time, .past-alerts time").AllInnerTextsAsync())
            Assert.EndsWith(" UTC", time);
        var past = page.Locator("table.past-alerts tbody tr");
        await Assertions.Expect(past).ToHaveCountAsync(1);
        await Assertions.Expect(past.First).ToContainTextAsync("Resolved");
        await Assertions.Expect(past.First.Locator($"a[href='/alerts/{first.AlertId}']")).ToBeVisibleAsync();

        // The call: pain 3 and less medicine, entered on the alert.
        await page.GetByLabel("Pain now (0 = no pain, 10 = worst imaginable)").SelectOptionAsync("3");
        await page.GetByLabel("Pain medicine compared with before the procedure").SelectOptionAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record answers" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Answers from the call recorded." })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page, "the alert page after recording answers");
        await page.Context.CloseAsync();

        var responses = (await api.GetFromJsonAsync<List<ResponseView>>($"/api/enrollments/{patient.EnrollmentId}/responses", ServiceApiClient.Json))!;
        var staff = responses.Where(r => r.Source == "staff").OrderBy(r => r.Item).Select(r => (r.Item, r.Value, r.EnteredBy)).ToList();
        Assert.Equal([("analgesic", 1, "nurse"), ("vas", 3, "nurse")], staff);
        Assert.Contains(responses, r => r is { Item: "vas", Value: 9, Source: "sms", SupersededAt: not null }); // the patient's own answer is kept
        using var audit = JsonDocument.Parse(await api.GetStringAsync("/api/audit/staff-actions?actor=nurse"));
        Assert.Contains(audit.RootElement.EnumerateArray(), a =>
            a.GetProperty("action").GetString() == "entered-responses" && a.GetProperty("enrollmentId").GetString() == patient.EnrollmentId.ToString());

        await fixture.CheckAndPhotographAsync("nurse", $"/alerts/{alert.AlertId}", "call-alert");
        await fixture.CheckAndPhotographAsync("nurse", $"/patients/{patient.PatientId}", "call-patient");
    }

    [Fact]
    public async Task The_patient_page_shows_an_opt_out_and_the_patients_alerts_with_zoned_times()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2),
            timeZone: "Asia/Kolkata");
        await SystemData.AnswerTextsAsync(App, patient, "9");
        var alert = await SystemData.OpenAlertAsync(App, patient);
        using var api = App.Host.CreateClient();
        await TwilioWebhook.PostSmsAsync(api, App.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken, TwilioWebhook.InboundSms(patient.Phone, "STOP"));
        await Eventually.TrueAsync(async () =>
            (await api.GetFromJsonAsync<PatientRecord>($"/api/patients/{patient.PatientId}", ServiceApiClient.Json))!.SmsOptedOut,
            "Scheduling to hear of the opt-out");

        var page = await fixture.SignInAsync("nurse");
        await page.GotoAsync($"{App.BaseUrl}/patients/{patient.PatientId}");
        var contact = page.Locator("section.contact");
        await Assertions.Expect(contact).ToContainTextAsync("Opted out of texts (replied STOP)");
        await Assertions.Expect(contact.Locator(".local-time")).ToContainTextAsync("(Asia/Kolkata, UTC+5:30)");
        await Assertions.Expect(page.Locator("table.past-alerts tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"table.past-alerts a[href='/alerts/{alert.AlertId}']")).ToBeVisibleAsync();
        foreach (var time in await page.Locator("table time").AllInnerTextsAsync())
            Assert.EndsWith(" UTC", time);
        await page.Context.CloseAsync();
    }
}
