using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Portal.Accounts;
using PainPro.Portal.Pages;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>What an attacker probing the sign-in page, or a nurse following a stale link, gets back.</summary>
public sealed partial class SecurityPagesTests(PortalSystemFixture fixture) : IClassFixture<PortalSystemFixture>
{
    private PortalSystem App => fixture.System;

    [Fact]
    public async Task A_locked_account_and_an_unknown_user_name_get_the_same_sign_in_failure()
    {
        var accounts = App.Host.Services.GetRequiredService<AccountStore>();
        await accounts.CreateAsync(new NewStaffAccount("locked.nurse", "Locked Nurse", "nurse", "the right password"), "test");
        using var attacker = new StaffClient(App.BaseUrl);
        for (var i = 0; i < new PortalOptions().Lockout.MaxFailures; i++)
            await attacker.SignInAsync("locked.nurse", "a wrong guess");
        Assert.NotNull((await accounts.FindByUserNameAsync("locked.nurse"))!.LockedUntil);

        var unknown = await FailedSignInAsync("no.such.nurse", "a wrong guess");
        var locked = await FailedSignInAsync("locked.nurse", "a wrong guess");
        var lockedWithTheRightPassword = await FailedSignInAsync("locked.nurse", "the right password");

        foreach (var (status, page) in new[] { unknown, locked, lockedWithTheRightPassword })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Contains(WebUtility.HtmlEncode(LoginModel.FailureMessage), page);
        }
        // Word for word the same page, once the user name typed and the form's fresh token are set aside.
        Assert.Equal(Normalized(unknown.Page, "no.such.nurse"), Normalized(locked.Page, "locked.nurse"));
        Assert.Equal(Normalized(locked.Page, "locked.nurse"), Normalized(lockedWithTheRightPassword.Page, "locked.nurse"));
    }

    [Fact]
    public async Task A_missing_alert_or_patient_and_an_unknown_address_show_an_html_page_not_problem_details()
    {
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync("nurse");
        using var visitor = new StaffClient(App.BaseUrl);

        var pages = new (StaffClient Who, string Path, string Title)[]
        {
            (nurse, $"/alerts/{Guid.NewGuid()}", "Alert not found"),
            (nurse, $"/patients/{Guid.NewGuid()}", "Patient not found"),
            (nurse, "/patients/not-a-patient-id", "Patient not found"),
            (visitor, "/no-such-page", "Page not found"),
        };
        foreach (var (who, path, title) in pages)
        {
            using var response = await who.Http.SendAsync(AsBrowser(path));
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"<h1>{title}</h1>", html);
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        }

        // An API client asking the same host keeps getting problem details.
        using var api = App.Host.CreateClient();
        using var problem = await api.GetAsync($"/api/alerts/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(HttpStatusCode Status, string Page)> FailedSignInAsync(string userName, string password)
    {
        using var browser = new StaffClient(App.BaseUrl);
        using var response = await browser.SignInAsync(userName, password);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Normalized(string page, string userName) =>
        Token().Replace(page.Replace($"value=\"{userName}\"", "value=\"…\""), "value=\"…\"");

    private static HttpRequestMessage AsBrowser(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        return request;
    }

    [GeneratedRegex("(?<=name=\"__RequestVerificationToken\" type=\"hidden\" )value=\"[^\"]+\"")]
    private static partial Regex Token();
}
