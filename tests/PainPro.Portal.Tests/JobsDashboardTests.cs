using System.Net;
using Microsoft.Playwright;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>The Hangfire Dashboard behind the Portal's sign-in: administrators only, linked from the admin pages.</summary>
public sealed class JobsDashboardTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private PortalSystem App => fixture.System;

    private static readonly string[] EveryServicesJobs =
    [
        "scheduling:claim-due-surveys", "scheduling:expire-closed-surveys", "messaging:send-deferred-surveys",
        "messaging:resume-stalled-sends", "ingestion:escalate-unacknowledged-alerts", "portal:purge-outbox-and-inbox",
    ];

    [Fact]
    public async Task An_admin_opens_the_Hangfire_Dashboard_from_the_admin_pages_and_sees_every_services_recurring_jobs()
    {
        var page = await fixture.SignInAsync("admin");
        await page.GotoAsync($"{App.BaseUrl}/admin/accounts");

        var opened = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Link, new() { Name = "Background jobs" }).ClickAsync(),
            response => response.Url == $"{App.BaseUrl}/admin/jobs");
        Assert.Equal((int)HttpStatusCode.OK, opened.Status);
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("PainPro jobs"));

        var recurring = await page.GotoAsync($"{App.BaseUrl}/admin/jobs/recurring");
        Assert.Equal((int)HttpStatusCode.OK, recurring!.Status);
        var table = page.Locator("table.table");
        foreach (var job in EveryServicesJobs) await Assertions.Expect(table).ToContainTextAsync(job);
        // The dashboard's own script and stylesheet load under its CSP: the page is styled and the table is live.
        await Assertions.Expect(page.Locator(".navbar")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "jobs-dashboard");
    }

    [Fact]
    public async Task A_nurse_is_refused_the_Hangfire_Dashboard_and_its_actions()
    {
        var page = await fixture.SignInAsync("nurse");

        var response = await page.GotoAsync($"{App.BaseUrl}/admin/jobs/recurring");
        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        Assert.StartsWith($"{App.BaseUrl}/access-denied", page.Url);
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("scheduling:claim-due-surveys");

        // Not even the dashboard's own API: triggering a recurring job by hand is refused.
        var trigger = await page.APIRequest.PostAsync($"{App.BaseUrl}/admin/jobs/recurring/trigger",
            new() { Form = page.APIRequest.CreateFormData().Set("jobs[]", "scheduling:claim-due-surveys"), MaxRedirects = 0 });
        Assert.NotEqual((int)HttpStatusCode.NoContent, trigger.Status);
        Assert.NotEqual((int)HttpStatusCode.OK, trigger.Status);
    }

    [Fact]
    public async Task Anyone_not_signed_in_is_sent_to_the_sign_in_page()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"{App.BaseUrl}/admin/jobs");
        Assert.StartsWith($"{App.BaseUrl}/login", page.Url);
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Recurring Jobs");
    }
}
