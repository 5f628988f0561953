using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using PainPro.Contracts;
using PainPro.Instruments;

namespace PainPro.Ingestion.Tests;

/// <summary>One running Ingestion host shared by the web form tests; each test opens its own survey.</summary>
public sealed class IngestionHostFixture : IAsyncLifetime
{
    public IngestionHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await IngestionHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary><c>GET|POST /s/{token}</c> over HTTP: the form, validation, antiforgery, resubmission, closed and unknown links.</summary>
public sealed partial class WebFormTests(IngestionHostFixture fixture) : IClassFixture<IngestionHostFixture>
{
    private IngestionHost Host => fixture.Host;

    [Fact]
    public async Task The_form_shows_every_item_in_the_patients_language_behind_strict_security_headers()
    {
        var (_, survey) = await OpenAsync(Fixtures.WithMstsLower, locale: "es-MX");
        using var browser = Browser();

        using var response = await browser.GetAsync($"/s/{survey.LinkToken}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("""<html lang="es">""", html);
        Assert.Equal(11 + 3 + 6 * 6, Regex.Count(html, """type="radio"""));
        foreach (var item in InstrumentCatalog.ItemsOf(Fixtures.WithMstsLower))
            Assert.Contains($"<legend>{InstrumentTexts.For(item.Code, "es").Question}</legend>", WebUtility.HtmlDecode(html));
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Submitting_every_item_stores_web_answers_and_completes_the_survey()
    {
        var (_, survey) = await OpenAsync(Fixtures.WithMstsLower);
        using var browser = Browser();

        using var response = await SubmitAsync(browser, survey, AllAnswers(vas: 3));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(InstrumentTexts.WebForm("en").ThanksTitle, await response.Content.ReadAsStringAsync());
        Assert.Equal(8, await Host.CountAsync("responses WHERE survey_id = @SurveyId AND source = 'web'", new { survey.SurveyId }));
        var completed = await Host.Db.ReadAsync(c => c.ExecuteScalarAsync<string>(
            "SELECT body FROM outbox WHERE message_type = @type AND body LIKE @id",
            new { type = typeof(SurveyCompleted).FullName, id = $"%{survey.SurveyId}%" }));
        Assert.Contains("\"mstsTotal\":24", completed);
        Assert.Contains("\"mstsPercent\":80", completed);
    }

    [Fact]
    public async Task A_submission_with_a_missing_or_impossible_answer_is_refused_with_the_errors_and_stores_nothing()
    {
        var (_, survey) = await OpenAsync(Fixtures.VasAndAnalgesic);
        using var browser = Browser();
        var text = InstrumentTexts.WebForm("en");

        using var response = await SubmitAsync(browser, survey, new() { ["vas"] = "11" });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(text.ErrorSummaryTitle, html);
        Assert.Contains(text.AnswerInvalid, WebUtility.HtmlDecode(html));
        Assert.Contains(text.AnswerRequired, WebUtility.HtmlDecode(html));
        Assert.Equal(2, Regex.Count(html, """aria-invalid="true"""));
        Assert.Equal(0, await Host.CountAsync("responses WHERE survey_id = @SurveyId", new { survey.SurveyId }));
    }

    [Fact]
    public async Task Resubmitting_inside_the_window_revises_the_answers_keeping_the_first_ones_and_is_audited()
    {
        var (_, survey) = await OpenAsync(Fixtures.VasAndAnalgesic);
        using var browser = Browser();
        (await SubmitAsync(browser, survey, new() { ["vas"] = "6", ["analgesic"] = "2" })).Dispose();

        using var response = await SubmitAsync(browser, survey, new() { ["vas"] = "4", ["analgesic"] = "2" });

        Assert.Contains(InstrumentTexts.WebForm("en").UpdatedTitle, await response.Content.ReadAsStringAsync());
        Assert.Equal(4, await Host.Db.ReadAsync(c => c.ExecuteScalarAsync<int>(
            "SELECT value FROM responses WHERE survey_id = @SurveyId AND item = 'vas' AND superseded_at IS NULL", new { survey.SurveyId })));
        Assert.Equal(1, await Host.CountAsync("responses WHERE survey_id = @SurveyId AND item = 'vas' AND value = 6 AND superseded_at IS NOT NULL",
            new { survey.SurveyId }));
        Assert.Equal(1, await Host.CountAsync("responses WHERE survey_id = @SurveyId AND item = 'analgesic'", new { survey.SurveyId }));
        Assert.Equal(1, await Host.CountAsync("audit_log WHERE survey_id = @SurveyId AND action = 'resubmitted-form'", new { survey.SurveyId }));
        Assert.Equal(1, await Host.CountAsync("outbox WHERE message_type = @type AND body LIKE @id",
            new { type = typeof(SurveyCompleted).FullName, id = $"%{survey.SurveyId}%" }));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_stores_nothing()
    {
        var (_, survey) = await OpenAsync(Fixtures.VasAndAnalgesic);
        using var browser = Browser();

        using var response = await browser.PostAsync($"/s/{survey.LinkToken}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["vas"] = "5", ["analgesic"] = "2" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await Host.CountAsync("responses WHERE survey_id = @SurveyId", new { survey.SurveyId }));
    }

    [Fact]
    public async Task A_closed_survey_gets_a_clear_gone_page_in_the_patients_language()
    {
        var (enrollment, survey) = await OpenAsync(Fixtures.VasAndAnalgesic, locale: "es");
        await Host.PublishAsync(new SurveyExpired(survey.SurveyId, enrollment.EnrollmentId, survey.Timepoint));
        await PainPro.Testing.Eventually.TrueAsync(async () =>
            await Host.CountAsync("surveys WHERE id = @SurveyId AND status = 'expired'", new { survey.SurveyId }) == 1, "the survey to expire");
        using var browser = Browser();

        using var response = await browser.GetAsync($"/s/{survey.LinkToken}");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains(InstrumentTexts.WebForm("es").ExpiredTitle, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Unknown_links_get_a_clear_page_and_guessing_is_rate_limited_per_client_while_a_valid_link_still_opens()
    {
        await using var host = await IngestionHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PainPro:Ingestion:SurveyLinks:FailedLookupsPerMinute"] = "3",
        });
        var enrollment = Fixtures.Enrollment();
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic);
        await host.OpenSurveyAsync(enrollment, survey);
        using var browser = new HttpClient { BaseAddress = new Uri(host.Host.BaseUrl) };
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es-ES,es;q=0.9,en;q=0.5");

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var guess = await browser.GetAsync($"/s/{Fixtures.NewToken()}");
            guesses.Add(guess.StatusCode);
            if (i == 0) Assert.Contains(InstrumentTexts.WebForm("es").UnknownTitle, WebUtility.HtmlDecode(await guess.Content.ReadAsStringAsync()));
        }
        using var genuine = await browser.GetAsync($"/s/{survey.LinkToken}");

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], guesses);
        // DESIGN §8: a valid link is never throttled, whatever else came from the same address.
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task An_emails_unsubscribe_link_asks_first_then_stops_emails_for_its_patient_even_after_the_survey_closed()
    {
        var (enrollment, survey) = await OpenAsync(Fixtures.VasAndAnalgesic, locale: "es");
        await Host.PublishAsync(new SurveyExpired(survey.SurveyId, enrollment.EnrollmentId, survey.Timepoint));
        await PainPro.Testing.Eventually.TrueAsync(async () =>
            await Host.CountAsync("surveys WHERE id = @SurveyId AND status = 'expired'", new { survey.SurveyId }) == 1, "the survey to expire");
        using var browser = Browser();
        var path = $"/s/{survey.LinkToken}/unsubscribe";

        // Following the link (as a link scanner would) changes nothing: the page asks.
        using var page = await browser.GetAsync(path);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("""<html lang="es">""", html);
        Assert.Contains($"""<form method="post" action="{path}">""", html);
        Assert.Equal(0, await UnsubscribedAsync(enrollment.PatientId));

        // The one-click POST of RFC 8058, as a mail client sends it: no antiforgery token, no cookie.
        using var oneClick = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Contains("No recibirá más correos", WebUtility.HtmlDecode(await oneClick.Content.ReadAsStringAsync()));
        Assert.Equal(1, await UnsubscribedAsync(enrollment.PatientId));
        Assert.Equal(1, await Host.CountAsync("audit_log WHERE action = 'unsubscribed-email' AND survey_id = @SurveyId", new { survey.SurveyId }));

        using var unknown = await browser.PostAsync("/s/not-a-real-token/unsubscribe", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>How many <see cref="PatientUnsubscribed"/> for email the patient's link published.</summary>
    private Task<int> UnsubscribedAsync(Guid patientId) => Host.Db.ReadAsync(c => c.ExecuteScalarAsync<int>(
        "SELECT COUNT(*) FROM outbox WHERE message_type = @type AND body LIKE @patient AND body LIKE '%\"channel\":\"email\"%'",
        new { type = typeof(PatientUnsubscribed).FullName, patient = $"%{patientId}%" }));

    private async Task<(EnrollmentCreated Enrollment, SurveyDue Survey)> OpenAsync(string[] instruments, string locale = "en")
    {
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Month1, instruments, locale: locale, phone: Fixtures.NewPhone(), channel: Channels.Email);
        await Host.OpenSurveyAsync(enrollment, survey);
        return (enrollment, survey);
    }

    private HttpClient Browser() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
    {
        BaseAddress = new Uri(Host.Host.BaseUrl),
    };

    /// <summary>Loads the form (for its antiforgery token and cookie) and posts the given fields with the token.</summary>
    internal static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, SurveyDue survey, Dictionary<string, string> fields)
    {
        var page = await browser.GetStringAsync($"/s/{survey.LinkToken}");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The form carries an antiforgery token.");
        var form = new Dictionary<string, string>(fields) { [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value) };
        return await browser.PostAsync($"/s/{survey.LinkToken}", new FormUrlEncodedContent(form));
    }

    private static Dictionary<string, string> AllAnswers(int vas)
    {
        var answers = new Dictionary<string, string> { ["vas"] = vas.ToString(), ["analgesic"] = "1" };
        foreach (var item in InstrumentCatalog.ItemsOf(InstrumentCodes.MstsLower)) answers[item.Code] = "4";
        return answers;
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]+)">""")]
    internal static partial Regex AntiforgeryField();
}
