using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PainPro.Portal.Clients;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>The Portal in system Chromium against the whole system in-process (DESIGN issue 6, done-when 1).</summary>
public sealed class PortalBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private PortalSystem App => fixture.System;

    [Fact]
    public async Task A_nurse_sees_the_alert_a_signed_webhook_reply_raised_acknowledges_and_resolves_it()
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2));
        await SystemData.AnswerTextsAsync(App, patient, "9");
        var alert = await SystemData.OpenAlertAsync(App, patient);

        var page = await fixture.SignInAsync("nurse");
        var card = page.Locator("tr[data-alert-row]", new() { HasText = patient.FullName });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync(patient.Mrn);
        await Assertions.Expect(card).ToContainTextAsync("High");
        await Assertions.Expect(card).ToContainTextAsync(alert.Summary);
        await fixture.ScreenshotAsync(page, "worklist");

        await card.GetByRole(AriaRole.Link, new() { Name = patient.FullName }).ClickAsync();
        await page.WaitForURLAsync($"{App.BaseUrl}/alerts/{alert.AlertId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(patient.FullName);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "This patient's pain (NRS 0–10) at each timepoint" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table", new() { HasText = "Scores by timepoint" })).ToContainTextAsync("9");
        await fixture.ScreenshotAsync(page, "alert");

        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Alert acknowledged." })).ToBeVisibleAsync();

        await page.GetByLabel("Outcome").SelectOptionAsync("advice-given");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Note (optional)" }).Last.FillAsync("Called; advised on analgesia.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Alert resolved." })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".panel .badge", new() { HasText = "Resolved" })).ToBeVisibleAsync();

        using var api = App.Host.CreateClient();
        var stored = (await api.GetFromJsonAsync<AlertDetail>($"/api/alerts/{alert.AlertId}", ServiceApiClient.Json))!.Alert;
        Assert.Equal("resolved", stored.Status);
        Assert.Equal("nurse", stored.AcknowledgedBy);
        Assert.Equal("nurse", stored.ResolvedBy);
        Assert.Equal("advice-given", stored.Outcome);
    }

    [Fact]
    public async Task The_worklist_shows_a_new_alert_by_itself_without_a_reload()
    {
        var page = await fixture.SignInAsync("nurse");
        var patient = await SystemData.RegisterAsync(App, baselineVas: 4, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2));
        await SystemData.AnswerTextsAsync(App, patient, "8");
        await SystemData.OpenAlertAsync(App, patient);

        await Assertions.Expect(page.Locator("tr[data-alert-row]", new() { HasText = patient.FullName }))
            .ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Equal($"{App.BaseUrl}/", page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_manager_sees_the_trajectory_chart_and_downloads_CSV_whose_numbers_equal_the_outcomes_summary()
    {
        foreach (var (baseline, vas, analgesic) in new[] { (8, "4", "1"), (7, "7", "2"), (6, "2", "1") })
        {
            var patient = await SystemData.RegisterAsync(App, baseline, TimeSpan.FromDays(3) + TimeSpan.FromHours(2), procedureType: "vertebroplasty", bodySite: "lumbar-spine");
            await SystemData.AnswerTextsAsync(App, patient, vas, analgesic);
        }
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = to.AddDays(-30);
        var query = $"procedureType=vertebroplasty&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";

        var page = await fixture.SignInAsync("manager");
        await page.GotoAsync($"{App.BaseUrl}/dashboard?{query}");
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Pain (NRS 0–10) over time: median and interquartile range" });
        await Assertions.Expect(chart).ToBeVisibleAsync();
        await Assertions.Expect(chart.Locator("polyline")).ToHaveCountAsync(1);
        await fixture.ScreenshotAsync(page, "dashboard");

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download outcomes (CSV)" }).ClickAsync());
        var csv = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Select(line => line.Split(',')).ToList();

        using var api = App.Host.CreateClient();
        var summary = (await api.GetFromJsonAsync<List<OutcomeSummaryRow>>($"/api/outcomes/summary?{query}", ServiceApiClient.Json))!;
        var header = csv[0].ToList();
        Assert.Equal(summary.Count, csv.Count - 1);
        foreach (var row in summary)
        {
            var cells = csv.Single(c => c[0] == row.Timepoint);
            decimal? Cell(string column) => cells[header.IndexOf(column)] is { Length: > 0 } text ? decimal.Parse(text, CultureInfo.InvariantCulture) : null;
            Assert.Equal(row.SurveysSent, Cell("surveysSent"));
            Assert.Equal(row.Answered, Cell("answered"));
            Assert.Equal(row.ResponseRate, Cell("responseRate"));
            Assert.Equal(row.Vas.N, Cell("vasN"));
            Assert.Equal(row.Vas.Mean, Cell("vasMean"));
            Assert.Equal(row.Vas.Sd, Cell("vasSd"));
            Assert.Equal(row.Vas.Median, Cell("vasMedian"));
            Assert.Equal(row.Vas.Q1, Cell("vasQ1"));
            Assert.Equal(row.Vas.Q3, Cell("vasQ3"));
            Assert.Equal(row.ReductionShare, Cell("reductionShare"));
            Assert.Equal(row.Msts.N, Cell("mstsN"));
            Assert.Equal(row.Msts.Mean, Cell("mstsMean"));
            Assert.Equal(row.Msts.MeanPercent, Cell("mstsMeanPercent"));
            Assert.Equal(row.Consensus.Complete, Cell("consensusComplete"));
            Assert.Equal(row.Consensus.Partial, Cell("consensusPartial"));
            Assert.Equal(row.Consensus.Progression, Cell("consensusProgression"));
            Assert.Equal(row.Consensus.Indeterminate, Cell("consensusIndeterminate"));
        }
        // The cohort of this test is in it: three day-3 answers, median 4.
        var day3 = summary.Single(r => r.Timepoint == "day3");
        Assert.True(day3.Vas.N >= 3);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/alerts/01a1fe25-a522-788d-b912-fab14130bfee")]
    [InlineData("/patients")]
    [InlineData("/patients/01a1fe25-8631-72f0-8c57-35c8c79dd3cd")]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/export/outcomes")]
    [InlineData("/admin/accounts")]
    [InlineData("/admin/api-keys")]
    [InlineData("/dev/phone")]
    public async Task An_anonymous_visitor_is_sent_to_sign_in_from_every_page(string path)
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(App.BaseUrl + path);
        Assert.Equal($"{App.BaseUrl}/login?ReturnUrl={Uri.EscapeDataString(path)}", page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/admin/accounts")]
    [InlineData("/admin/api-keys")]
    [InlineData("/dashboard")]
    public async Task A_nurse_cannot_open_manager_or_admin_pages(string path)
    {
        var page = await fixture.SignInAsync("nurse");
        var response = await page.GotoAsync(App.BaseUrl + path);
        Assert.StartsWith($"{App.BaseUrl}/access-denied", page.Url);
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task After_sign_in_the_visitor_lands_on_the_page_they_asked_for()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"{App.BaseUrl}/patients");
        await page.GetByLabel("User name").FillAsync("nurse");
        await page.GetByLabel("Password").FillAsync(PortalSystem.Password);
        await page.GetByLabel("Password").PressAsync("Enter");
        await page.WaitForURLAsync($"{App.BaseUrl}/patients");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_issues_an_API_key_shown_once_that_the_services_accept_until_it_is_revoked()
    {
        var page = await fixture.SignInAsync("admin");
        await page.GotoAsync($"{App.BaseUrl}/admin/api-keys");
        await page.GetByLabel("Client name").FillAsync("Browser test engine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue key" }).ClickAsync();
        var key = await page.GetByLabel("API key (send it as the X-Api-Key header)").InputValueAsync();
        Assert.StartsWith("ppk_", key);

        using var client = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        await Eventually.TrueAsync(async () => (await client.GetAsync("/api/alerts")).IsSuccessStatusCode, "the issued key to be accepted");

        // Shown once: reloading the page shows only the key's last characters.
        await page.GotoAsync($"{App.BaseUrl}/admin/api-keys");
        Assert.DoesNotContain(key, await page.ContentAsync());
        var row = page.Locator("tr", new() { HasText = "Browser test engine" });
        await Assertions.Expect(row).ToContainTextAsync(key[^4..]);

        await row.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("tr", new() { HasText = "Browser test engine" })).ToContainTextAsync("Revoked");
        await Eventually.TrueAsync(async () => (await client.GetAsync("/api/alerts")).StatusCode == HttpStatusCode.Unauthorized,
            "the revoked key to be refused");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/", "worklist-phone")]
    [InlineData("/dashboard", "dashboard-phone")]
    [InlineData("/patients", "patients-phone")]
    public async Task Pages_fit_a_360_pixel_phone_and_label_every_control(string path, string screenshot)
    {
        var page = await fixture.SignInAsync("admin", phone: true, phoneWidth: 360);
        await page.GotoAsync(App.BaseUrl + path);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling at 360 px");
        var unlabelled = await page.EvaluateAsync<string[]>("""
            [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
              .map(e => e.outerHTML)
            """);
        Assert.Empty(unlabelled);
        await fixture.ScreenshotAsync(page, screenshot);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_skip_link_comes_first_and_moves_focus_to_the_main_content()
    {
        var page = await fixture.SignInAsync("nurse");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to main content", await page.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await page.EvaluateAsync<string>("document.activeElement.id"));
        await page.Context.CloseAsync();
    }
}
