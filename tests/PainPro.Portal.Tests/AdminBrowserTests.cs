using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using PainPro.AllInOne;
using PainPro.Portal.Clients;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>
/// Issue 19 item 7: the admin pages (and <c>/health/ready</c>) warn while no care-team recipient is configured;
/// AllInOne configures a dev care team whose notices show in <c>/dev/outbox</c>; the phone simulator is for admins in
/// dev mode only, and its bubbles start with their text. The fixture's system configures no care team, as a fresh
/// deployment would not.
/// </summary>
public sealed class AdminBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private PortalSystem App => fixture.System;

    [Fact]
    public async Task With_no_care_team_recipient_the_admin_pages_warn_and_readiness_is_degraded()
    {
        using var api = App.Host.CreateClient();
        using var health = JsonDocument.Parse(await (await api.GetAsync("/health/ready")).Content.ReadAsStringAsync());
        var check = health.RootElement.GetProperty("checks").GetProperty("care-team");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.Contains("notify nobody", check.GetProperty("description").GetString(), StringComparison.Ordinal);

        foreach (var path in new[] { "/admin/accounts", "/admin/api-keys", "/admin/audit" })
        {
            var page = await fixture.SignInAsync("admin");
            await page.GotoAsync(App.BaseUrl + path);
            await Assertions.Expect(page.Locator("#care-team-notice")).ToContainTextAsync("Alerts notify nobody.");
            await Assertions.Expect(page.Locator("#care-team-notice")).ToContainTextAsync("PainPro:Messaging:CareTeam:Emails");
            await page.Context.CloseAsync();
        }
        await fixture.CheckAndPhotographAsync("admin", "/admin/accounts", "admin-care-team-warning");
    }

    [Fact]
    public async Task AllInOne_notifies_a_dev_care_team_whose_notices_show_in_the_dev_outbox()
    {
        var builder = WebApplication.CreateBuilder();
        builder.UseAllInOneDefaults();
        Assert.Equal(AllInOneDefaults.DevCareTeamEmail, builder.Configuration["PainPro:Messaging:CareTeam:Emails:0"]);

        await using var system = await PortalSystem.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PainPro:Messaging:CareTeam:Emails:0"] = builder.Configuration["PainPro:Messaging:CareTeam:Emails:0"],
        });
        var patient = await SystemData.RegisterAsync(system, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2));
        await SystemData.AnswerTextsAsync(system, patient, "9");
        var alert = await SystemData.OpenAlertAsync(system, patient);

        using var api = system.Host.CreateClient();
        var notices = await Eventually.GetAsync(
            async () => (await api.GetFromJsonAsync<List<DevPhone.DevOutboxEntry>>($"/dev/outbox?to={Uri.EscapeDataString(AllInOneDefaults.DevCareTeamEmail)}"))!,
            found => found.Count > 0, "the care-team notice in the dev outbox");
        var notice = Assert.Single(notices);
        Assert.Contains("high-priority PainPro alert", notice.Body, StringComparison.Ordinal);
        Assert.Contains($"/alerts/{alert.AlertId}", notice.Body, StringComparison.Ordinal);
        using var health = JsonDocument.Parse(await (await api.GetAsync("/health/ready")).Content.ReadAsStringAsync());
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("care-team").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_phone_simulator_is_an_admin_tool_and_its_bubbles_start_with_their_text()
    {
        foreach (var user in new[] { "nurse", "manager" })
        {
            var page = await fixture.SignInAsync(user);
            await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Phone simulator" })).ToHaveCountAsync(0);
            // Under /dev a refusal is a status, not a redirect (as for the other dev endpoints).
            var refused = await page.GotoAsync($"{App.BaseUrl}/dev/phone");
            Assert.Equal(403, refused!.Status);
            await page.Context.CloseAsync();
        }

        var patient = await SystemData.RegisterAsync(App, baselineVas: 6, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(2));
        await SystemData.AnswerTextsAsync(App, patient, "9");
        var admin = await fixture.SignInAsync("admin");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Phone simulator" }).ClickAsync();
        await admin.GetByLabel("Patient's mobile number").FillAsync(patient.Phone);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(admin.Locator("li.bubble")).Not.ToHaveCountAsync(0);
        // The first line of text sits right under the bubble's padding: no blank block before it.
        var gaps = await admin.EvaluateAsync<double[]>("""
            [...document.querySelectorAll('li.bubble')].map(li => {
                const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT, {
                    acceptNode: n => n.textContent.trim() && !n.parentElement.closest('.visually-hidden') ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP });
                const text = walker.nextNode();
                const range = document.createRange();
                range.selectNodeContents(text);
                const top = li.getBoundingClientRect().top + parseFloat(getComputedStyle(li).paddingTop);
                return range.getClientRects()[0].top - top;
            })
            """);
        Assert.All(gaps, gap => Assert.InRange(gap, -1, 6));
        await admin.Context.CloseAsync();
        await fixture.CheckAndPhotographAsync("admin", $"/dev/phone?number={Uri.EscapeDataString(patient.Phone)}", "phone-simulator");
    }

    /// <summary>
    /// Issue 19's "axe-core on every page": the pages no other browser test opens — sign-in, API keys, the audit log,
    /// access denied, the error page — have no violation at desktop and phone size (the worklist, alert, patient, search,
    /// messages, dashboard, accounts and phone-simulator pages are checked by the tests of their items).
    /// </summary>
    [Fact]
    public async Task The_sign_in_api_key_audit_access_denied_and_error_pages_have_no_accessibility_violations()
    {
        foreach (var phone in new[] { false, true })
        {
            var size = phone ? "phone" : "desktop";
            var page = await fixture.NewPageAsync(phone);
            await page.GotoAsync(App.BaseUrl + "/login");
            await Assertions.Expect(page.GetByLabel("User name")).ToBeVisibleAsync();
            await PainPro.Testing.Browser.Axe.AssertNoViolationsAsync(page, $"the sign-in page at {size} size");
            await fixture.ScreenshotAsync(page, $"sign-in-{size}");
            await page.Context.CloseAsync();
        }
        await fixture.CheckAndPhotographAsync("admin", "/admin/api-keys", "admin-api-keys");
        await fixture.CheckAndPhotographAsync("admin", "/admin/audit", "admin-audit");
        // A nurse sent to an admin page is told so; a page that does not exist is a page, not problem details.
        await fixture.CheckAndPhotographAsync("nurse", "/admin/accounts", "access-denied",
            page => Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/access-denied")));
        await fixture.CheckAndPhotographAsync("nurse", "/no-such-page", "error-not-found",
            page => Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync());
    }
}
