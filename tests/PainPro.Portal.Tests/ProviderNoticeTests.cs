using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Messaging;
using PainPro.Messaging.Senders;
using PainPro.Portal.Clients;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>
/// While the SMS provider refuses our own sender, admins see it on every admin page until it clears, and the patient
/// page shows the survey as deferred, with the reason and the next attempt — all learnt over HTTP from the services.
/// </summary>
public sealed class ProviderNoticeTests
{
    [Fact]
    public async Task A_refused_sender_shows_on_the_admin_pages_until_it_clears_and_the_held_survey_reads_deferred()
    {
        await using var app = await PortalSystem.StartAsync();
        using var admin = new StaffClient(app.BaseUrl);
        await admin.SignInAsync("admin");
        using var nurse = new StaffClient(app.BaseUrl);
        await nurse.SignInAsync("nurse");
        var before = await admin.Http.GetStringAsync("/admin/accounts");

        // Messaging heard Twilio refuse our account (a 20003), as the gateway reports it.
        await app.Host.Services.GetRequiredService<MessagingDb>().InTransactionAsync(s =>
            app.Host.Services.GetRequiredService<SenderStates>().RecordRefusedAsync(s, "sms", "20003", "Twilio answered 401: Authentication failed"));
        var patient = await SystemData.RegisterAsync(app, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        using var api = app.Host.CreateClient();
        await Eventually.TrueAsync(async () => (await api.GetFromJsonAsync<EnrollmentDetail>($"/api/enrollments/{patient.EnrollmentId}", ServiceApiClient.Json))!
            .Surveys.Any(s => s.Status == "deferred"), "day 3 to read deferred");
        var accounts = await admin.Http.GetStringAsync("/admin/accounts");
        var keys = await admin.Http.GetStringAsync("/admin/api-keys");
        var record = await nurse.Http.GetStringAsync($"/patients/{patient.PatientId}");

        // The probe is due after the probe interval: it gets through (the dev gateway takes it) and everything leaves.
        using var dev = app.Host.CreateClient();
        (await dev.PostAsJsonAsync("/dev/clock/advance", new { by = "PT31S" })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => !(await admin.Http.GetStringAsync("/admin/accounts")).Contains("provider-notice"), "the banner to go");
        await Eventually.TrueAsync(async () => (await api.GetFromJsonAsync<EnrollmentDetail>($"/api/enrollments/{patient.EnrollmentId}", ServiceApiClient.Json))!
            .Surveys.Any(s => s.Status == "sent"), "day 3 to be sent");

        Assert.DoesNotContain("provider-notice", before);
        Assert.All(new[] { accounts, keys }, page =>
        {
            Assert.Contains("Texts are on hold", page);
            Assert.Contains("error 20003", page);
        });
        Assert.Contains("Deferred", record);
        Assert.Contains("our SMS account is refused by the provider (error 20003); next attempt", record);
    }
}
