using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Portal.Accounts;
using PainPro.Portal.Clients;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class PortalSystemFixture : IAsyncLifetime
{
    public PortalSystem System { get; private set; } = null!;
    public async Task InitializeAsync() => System = await PortalSystem.StartAsync();
    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>Portal behaviour that needs no browser: sessions, validation, degradation, headers, the phone simulator.</summary>
public sealed class PortalHttpTests(PortalSystemFixture fixture) : IClassFixture<PortalSystemFixture>
{
    private PortalSystem App => fixture.System;

    [Fact]
    public async Task Pages_are_served_with_browser_hardening_headers()
    {
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        using var response = await nurse.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        using var visitor = new StaffClient(App.BaseUrl);

        using var response = await visitor.SignInAsync("nurse", "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(PainPro.Portal.Pages.LoginModel.FailureMessage), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        using var signOut = await nurse.PostFormAsync("/patients", "/logout", new Dictionary<string, string>());
        using var after = await nurse.Http.GetAsync("/patients");

        Assert.Equal("/login", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Disabling_an_account_ends_its_open_session_at_once()
    {
        var accounts = App.Host.Services.GetRequiredService<AccountStore>();
        await accounts.CreateAsync(new NewStaffAccount("temp.nurse", "Temp Nurse", "nurse", "temporary password"), "test");
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("temp.nurse", "temporary password");
        Assert.Equal(HttpStatusCode.OK, (await nurse.Http.GetAsync("/patients")).StatusCode);

        var account = (await accounts.FindByUserNameAsync("temp.nurse"))!;
        await accounts.SetDisabledAsync(account.AccountId, true, "test");

        using var after = await nurse.Http.GetAsync("/patients");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Resolving_without_an_outcome_is_refused_with_a_message_and_changes_nothing()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 5, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        await SystemData.AnswerTextsAsync(App, patient, "8");
        var alert = await SystemData.OpenAlertAsync(App, patient);
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        using var response = await nurse.PostFormAsync($"/alerts/{alert.AlertId}", $"/alerts/{alert.AlertId}?handler=Resolve",
            new Dictionary<string, string> { ["ResolveOutcome"] = "", ["ResolveNote"] = "kept" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Choose the outcome.", html);
        Assert.Contains(">kept</textarea>", html);
        using var api = App.Host.CreateClient();
        Assert.Equal("open", (await api.GetFromJsonAsync<AlertDetail>($"/api/alerts/{alert.AlertId}", ServiceApiClient.Json))!.Alert.Status);
    }

    [Fact]
    public async Task A_note_and_a_call_land_in_the_alert_history_under_the_nurse_s_name()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 5, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        await SystemData.AnswerTextsAsync(App, patient, "9");
        var alert = await SystemData.OpenAlertAsync(App, patient);
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");
        var page = $"/alerts/{alert.AlertId}";

        Assert.Equal(HttpStatusCode.Redirect, (await nurse.PostFormAsync(page, page + "?handler=Note", new Dictionary<string, string> { ["Note"] = "Left word with the family." })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await nurse.PostFormAsync(page, page + "?handler=Call", new Dictionary<string, string> { ["CallOutcome"] = "voicemail" })).StatusCode);

        using var api = App.Host.CreateClient();
        var history = (await api.GetFromJsonAsync<AlertDetail>(page.Replace("/alerts", "/api/alerts"), ServiceApiClient.Json))!.History;
        Assert.Contains(history, h => h.Action == "note" && h.Actor == "nurse" && h.Note == "Left word with the family.");
        Assert.Contains(history, h => h.Action == "call" && h.Actor == "nurse" && h.Outcome == "voicemail");
        var html = await nurse.Http.GetStringAsync(page);
        Assert.Contains("Left word with the family.", html);
    }

    [Fact]
    public async Task A_revised_answer_shows_as_answer_changed_on_the_alert_and_both_versions_on_the_timeline()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        await SystemData.AnswerTextsAsync(App, patient, "9", "3");
        var alert = await SystemData.OpenAlertAsync(App, patient);
        using var api = App.Host.CreateClient();
        api.DefaultRequestHeaders.Add("X-PainPro-Acting-User", "nurse");
        var surveyId = (await api.GetFromJsonAsync<List<ResponseView>>($"/api/enrollments/{patient.EnrollmentId}/responses", ServiceApiClient.Json))!
            .First().SurveyId;
        // The nurse calls the patient: the pain is 5, not 9.
        (await api.PostAsJsonAsync($"/api/surveys/{surveyId}/responses", new { answers = new[] { new { item = "vas", value = 5 } } }))
            .EnsureSuccessStatusCode();
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        var page = WebUtility.HtmlDecode(await nurse.Http.GetStringAsync($"/alerts/{alert.AlertId}"));
        var record = WebUtility.HtmlDecode(await nurse.Http.GetStringAsync($"/patients/{patient.PatientId}"));

        Assert.Contains("Answer changed", page);
        Assert.Contains("nurse (staff) revised day-3 pain 9 → 5; now no-relief, analgesic-escalation (medium)", page);
        Assert.Contains("Answer revised", page); // the history line
        Assert.Contains("Medium", page);
        foreach (var html in new[] { page, record })
        {
            Assert.Contains("Earlier answers", html);
            Assert.Contains("5/10", html);
            Assert.Contains("9/10 · SMS", html);
        }
    }

    [Fact]
    public async Task The_phone_simulator_replies_through_the_dev_inbound_route_and_shows_the_answer()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 7, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        using var admin = new StaffClient(App.BaseUrl);
        await admin.SignInAsync("admin");
        var page = $"/dev/phone?number={Uri.EscapeDataString(patient.Phone)}";
        await Eventually.TrueAsync(async () => (await admin.Http.GetStringAsync(page)).Contains("How bad is the pain"), "the survey text on the phone");
        await Eventually.TrueAsync(async () =>
        {
            await admin.PostFormAsync(page, "/dev/phone", new Dictionary<string, string> { ["Number"] = patient.Phone, ["Reply"] = "3" });
            using var api = App.Host.CreateClient();
            var answers = await api.GetFromJsonAsync<List<ResponseView>>($"/api/enrollments/{patient.EnrollmentId}/responses", ServiceApiClient.Json);
            return answers!.Any(a => a.Item == "vas" && a.Value == 3 && a.Source == "sms");
        }, "the simulated reply to be stored as an SMS answer");

        var conversation = await admin.Http.GetStringAsync(page);
        Assert.Contains("Compared with before your procedure", conversation);
    }

    [Fact]
    public async Task Patient_search_finds_by_MRN_and_the_patient_page_shows_the_schedule_and_the_answers()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        await SystemData.AnswerTextsAsync(App, patient, "4", "1");
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        var results = await nurse.Http.GetStringAsync($"/patients?q={patient.Mrn}");
        Assert.Contains($"/patients/{patient.PatientId}", results);
        Assert.Contains(patient.FullName, results);

        var record = await nurse.Http.GetStringAsync($"/patients/{patient.PatientId}");
        Assert.Contains("Survey schedule", record);
        Assert.Contains("Month 3", record);
        Assert.Contains("4/10", record);
        Assert.Contains("Partial", record);
    }

    [Fact]
    public async Task A_dashboard_filter_that_makes_no_sense_is_explained_not_run()
    {
        using var manager = new StaffClient(App.BaseUrl);
        await manager.SignInAsync("manager");

        using var page = await manager.Http.GetAsync("/dashboard?from=2026-06-01&to=2026-01-01");
        using var csv = await manager.Http.GetAsync("/dashboard/export/outcomes?procedureType=astrology");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("The start date must not be after the end date.", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Contains("Choose a procedure type from the list.", await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_long_running_job_s_notice_shows_on_every_page_until_cleared()
    {
        var notices = App.Host.Services.GetRequiredService<SystemNotices>();
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");

        notices.Set("test", "Demo data is loading: day 3 of 120.");
        Assert.Contains("Demo data is loading: day 3 of 120.", await nurse.Http.GetStringAsync("/patients"));
        notices.Clear("test");
        Assert.DoesNotContain("Demo data is loading", await nurse.Http.GetStringAsync("/patients"));
    }
}

/// <summary>The Portal on its own: what it does when the services it reads are down, and across restarts.</summary>
public sealed class PortalAloneTests
{
    private static Dictionary<string, string?> Configuration(string directory, string servicesUrl)
    {
        var configuration = PainProTestHost.Configuration.Embedded(directory);
        configuration["PainPro:Portal:DemoPassword"] = PortalSystem.Password;
        configuration["PainPro:Portal:IngestionUrl"] = servicesUrl;
        configuration["PainPro:Portal:SchedulingUrl"] = servicesUrl;
        return configuration;
    }

    private static Task<PainProTestHost> StartPortalAsync(string directory, string servicesUrl, int? port = null) =>
        PainProTestHost.StartAsync("portal", Configuration(directory, servicesUrl), builder => builder.AddPortal(), app => app.MapPortal(),
            port: port, applicationName: "PainPro.Portal");

    [Fact]
    public async Task A_session_survives_a_restart_because_the_keys_are_kept_in_the_database()
    {
        var directory = Path.Combine(Path.GetTempPath(), "painpro-portal-tests", Guid.NewGuid().ToString("N"));
        var port = TestInfrastructure.FreePort();
        var nowhere = $"http://127.0.0.1:{TestInfrastructure.FreePort()}";
        using var admin = new StaffClient($"http://127.0.0.1:{port}");
        await using (var first = await StartPortalAsync(directory, nowhere, port))
        {
            await admin.SignInAsync("admin");
            Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/admin/accounts")).StatusCode);
        }

        await using var second = await StartPortalAsync(directory, nowhere, port);
        using var after = await admin.Http.GetAsync("/admin/accounts");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task With_Ingestion_and_Scheduling_down_the_worklist_says_so_and_stays_usable()
    {
        var directory = Path.Combine(Path.GetTempPath(), "painpro-portal-tests", Guid.NewGuid().ToString("N"));
        await using var portal = await StartPortalAsync(directory, $"http://127.0.0.1:{TestInfrastructure.FreePort()}");
        using var nurse = new StaffClient(portal.BaseUrl);
        await nurse.SignInAsync("nurse");

        using var worklist = await nurse.Http.GetAsync("/");
        using var search = await nurse.Http.GetAsync("/patients?q=Ruiz");

        Assert.Equal(HttpStatusCode.BadGateway, worklist.StatusCode);
        Assert.Contains("Ingestion is not answering right now.", await worklist.Content.ReadAsStringAsync());
        Assert.Contains("Worklist", await worklist.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadGateway, search.StatusCode);
        Assert.Contains("Scheduling is not answering right now.", await search.Content.ReadAsStringAsync());
    }
}
