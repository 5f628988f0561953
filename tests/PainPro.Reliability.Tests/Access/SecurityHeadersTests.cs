using System.Net;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;

namespace PainPro.Reliability.Tests.Access;

/// <summary>Browser hardening on every page a person sees: the Portal's pages and the patient's form, including their error pages.</summary>
[Collection(SystemCollection.Name)]
public class SecurityHeadersTests(SystemUnderTest system)
{
    [Fact]
    public async Task Portal_pages_and_survey_form_pages_carry_the_security_headers_even_when_refusing()
    {
        using var entry = Ledger.Open("access.security-headers", Ledger.Access, "Security headers on Portal and form pages (including error pages)");
        var (enrolled, alertId, token) = await system.EnrollWithOpenAlertAsync();
        using var anonymous = system.Client();
        using var nurse = await system.SignInAsync("nurse");
        using var manager = await system.SignInAsync("manager");

        var pages = new List<(string What, HttpResponseMessage Response, bool PatientFacing)>
        {
            ("sign-in page", await anonymous.GetAsync("/login"), false),
            ("failed sign-in", await FailedSignInAsync(), false),
            ("worklist", await nurse.GetAsync("/"), false),
            ("alert page", await nurse.GetAsync($"/alerts/{alertId}"), false),
            ("patient page", await nurse.GetAsync($"/patients/{enrolled.PatientId}"), false),
            ("dashboard", await manager.GetAsync("/dashboard"), false),
            ("access denied", await nurse.GetAsync("/access-denied"), false),
            ("survey form", await anonymous.GetAsync($"/s/{token}"), true),
            ("unknown link", await anonymous.GetAsync("/s/not-a-real-link-token"), true),
        };
        var form = await FormSession.OpenAsync(system, token);
        pages.Add(("invalid form submission", await form.PostAsync(token, new Dictionary<string, string> { ["vas"] = "11" }), true));

        var failures = new List<string>();
        foreach (var (what, response, patientFacing) in pages)
        {
            var csp = Header(response, "Content-Security-Policy");
            Check(what, "Content-Security-Policy with frame-ancestors 'none'", csp?.Contains("frame-ancestors 'none'") == true);
            Check(what, "Content-Security-Policy without unsafe-inline scripts", csp is not null && !csp.Contains("'unsafe-inline'") && !csp.Contains("'unsafe-eval'"));
            Check(what, "X-Content-Type-Options: nosniff", Header(response, "X-Content-Type-Options") == "nosniff");
            Check(what, "X-Frame-Options: DENY", Header(response, "X-Frame-Options") == "DENY");
            // The survey link is a secret in the URL: patient pages send no referrer at all.
            var referrer = Header(response, "Referrer-Policy");
            Check(what, patientFacing ? "Referrer-Policy: no-referrer" : "Referrer-Policy", patientFacing ? referrer == "no-referrer" : referrer is "no-referrer" or "same-origin" or "strict-origin");
            Check(what, "Cache-Control: no-store", Header(response, "Cache-Control")?.Contains("no-store") == true);
            Check(what, "text/html", response.Content.Headers.ContentType?.MediaType == "text/html");
            entry.Count("pages");
        }
        Assert.True(failures.Count == 0, $"Missing security headers:\n{string.Join("\n", failures)}");
        entry.Pass();

        void Check(string what, string header, bool ok)
        {
            entry.Count("header checks");
            if (!ok) failures.Add($"{what}: {header}");
        }
    }

    /// <summary>A sign-in with a wrong password, posted as the browser would (with the form's antiforgery token).</summary>
    private async Task<HttpResponseMessage> FailedSignInAsync()
    {
        var browser = system.Client();
        var page = await browser.GetStringAsync("/login");
        var token = WebUtility.HtmlDecode(SystemUnderTest.AntiforgeryField().Match(page).Groups[1].Value);
        var response = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "no-such-user", ["Password"] = "not-the-password", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return response;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;
}
