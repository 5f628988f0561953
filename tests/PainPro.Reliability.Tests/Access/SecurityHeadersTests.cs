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
        using var entry = Ledger.Open("access.security-headers", Ledger.Access, "Security headers on Portal and form pages (including error pages) and on every other answer (404s of unmapped routes, problem details)");
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
        // Error pages a browser gets where no page answered: an unmapped address, a missing alert or patient.
        pages.Add(("unmapped address, signed out", await anonymous.SendAsync(AsBrowser("/no-such-page")), false));
        pages.Add(("unmapped address, signed in", await nurse.SendAsync(AsBrowser("/alerts/not-an-id/at-all")), false));
        pages.Add(("missing alert", await nurse.SendAsync(AsBrowser($"/alerts/{Guid.NewGuid()}")), false));
        pages.Add(("missing patient", await nurse.SendAsync(AsBrowser($"/patients/{Guid.NewGuid()}")), false));

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
        foreach (var (what, response, _) in pages.Where(p => p.What.StartsWith("unmapped") || p.What.StartsWith("missing")))
            Check(what, "answered 404", response.StatusCode == HttpStatusCode.NotFound);

        // Answers no page shaped — JSON 404s of unmapped routes and unknown ids, problem details — carry the baseline.
        using var api = system.ApiClient();
        var answers = new List<(string What, HttpResponseMessage Response)>
        {
            ("unmapped API route", await api.GetAsync("/api/no-such-thing")),
            ("unmapped route without a browser", await anonymous.GetAsync("/no-such-page")),
            ("unknown alert id (API)", await api.GetAsync($"/api/alerts/{Guid.NewGuid()}")),
            ("invalid id (API)", await api.GetAsync("/api/enrollments/not-a-guid")),
            ("refused without a key (API)", await anonymous.GetAsync("/api/alerts")),
        };
        foreach (var (what, response) in answers)
        {
            var csp = Header(response, "Content-Security-Policy");
            Check(what, "Content-Security-Policy with default-src 'none' and frame-ancestors 'none'",
                csp?.Contains("default-src 'none'") == true && csp.Contains("frame-ancestors 'none'"));
            Check(what, "X-Content-Type-Options: nosniff", Header(response, "X-Content-Type-Options") == "nosniff");
            Check(what, "X-Frame-Options: DENY", Header(response, "X-Frame-Options") == "DENY");
            Check(what, "Referrer-Policy: no-referrer", Header(response, "Referrer-Policy") == "no-referrer");
            Check(what, "Cache-Control: no-store", Header(response, "Cache-Control")?.Contains("no-store") == true);
            Check(what, "a 4xx", (int)response.StatusCode is >= 400 and < 500);
            entry.Count("non-page answers");
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

    /// <summary>A GET as a browser sends it: asking for HTML.</summary>
    private static HttpRequestMessage AsBrowser(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;
}
