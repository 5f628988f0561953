using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PainPro.Portal.Clients;
using PainPro.Portal.DevPhone;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.AllInOne.Demo;

/// <summary>
/// The seeder's hands: only the public ways in that an EHR, a patient's phone, a patient's browser and a nurse
/// use — <c>POST /api/procedures</c>, a patient's text (the dev inbound SMS route: the webhook's handling without
/// Twilio's signature), the web form, the alert API. Nothing writes a service's tables directly, so the demo data is
/// exactly what real use would leave behind.
/// </summary>
public sealed partial class DemoApi(HttpClient http, string apiKey)
{
    public const string DemoNurse = "nurse";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record RegisteredSurvey(Guid SurveyId, string Timepoint, DateTimeOffset? SendAt, DateTimeOffset? ClosesAt, string[] Instruments);
    public sealed record Registration(Guid EnrollmentId, Guid PatientId, IReadOnlyList<RegisteredSurvey> Surveys);

    public async Task<Registration> RegisterAsync(DemoPatient p, DateTimeOffset now, CancellationToken ct)
    {
        var performedAt = now + p.PerformedAfterEnrollment;
        var body = new
        {
            externalId = p.ExternalId,
            patient = new
            {
                mrn = p.Mrn, givenName = p.GivenName, familyName = p.FamilyName, phone = p.Phone, email = p.Email,
                preferredChannel = p.Channel, locale = p.Locale, timeZone = p.TimeZone,
            },
            procedure = new { type = p.ProcedureType, bodySite = p.BodySite, performedAt, facility = p.Facility, surgeon = p.Surgeon },
            baseline = p.ClinicBaseline ? new { vas = p.BaselineVas, recordedAt = performedAt - TimeSpan.FromHours(20) } : null,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/procedures") { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add(PainProAuth.ApiKeyHeader, apiKey);
        using var response = await http.SendAsync(request, ct);
        await EnsureSuccessAsync(response, "registering " + p.ExternalId, ct);
        return (await response.Content.ReadFromJsonAsync<Registration>(Json, ct))!;
    }

    public Task<EnrollmentDetail?> EnrollmentAsync(Guid enrollmentId, CancellationToken ct) =>
        GetAsync<EnrollmentDetail>($"api/enrollments/{enrollmentId}", ct);

    public async Task<IReadOnlyList<EnrollmentListItem>> EnrollmentsAsync(CancellationToken ct) =>
        await GetAsync<List<EnrollmentListItem>>("api/enrollments", ct) ?? [];

    public async Task<IReadOnlyList<AlertView>> AlertsAsync(string status, CancellationToken ct) =>
        await GetAsync<List<AlertView>>($"api/alerts?status={status}&limit=1000", ct) ?? [];

    public Task AcknowledgeAsync(Guid alertId, CancellationToken ct) => PostAsync($"api/alerts/{alertId}/acknowledge", new { }, ct);

    public Task RecordCallAsync(Guid alertId, string outcome, string? note, CancellationToken ct) =>
        PostAsync($"api/alerts/{alertId}/calls", new { outcome, note }, ct);

    public Task ResolveAsync(Guid alertId, string outcome, string? note, CancellationToken ct) =>
        PostAsync($"api/alerts/{alertId}/resolve", new { outcome, note }, ct);

    /// <summary>
    /// The newest survey link texted or emailed to a patient between a survey's planned send and its last send as
    /// Scheduling knows it (the dev gateways record every send). Null until Messaging has sent it. Messaging records
    /// the text a moment before it reports the send, whose time becomes the survey's last send, so that bounds the
    /// search from above; links to the patient's earlier surveys went before this one's planned send.
    /// </summary>
    public async Task<string?> LatestLinkAsync(string to, DateTimeOffset plannedSend, DateTimeOffset lastSent, CancellationToken ct)
    {
        var sent = await GetAsync<List<DevOutboxEntry>>($"dev/outbox?to={Uri.EscapeDataString(to)}", ct) ?? [];
        return sent.LastOrDefault(s => !string.IsNullOrEmpty(s.Link) && s.SentAt >= plannedSend && s.SentAt <= lastSent)?.Link;
    }

    /// <summary>
    /// Texts <paramref name="body"/> from the patient's phone through Ingestion's dev inbound route, which hands it to
    /// the same handling as the signed Twilio webhook; returns the TwiML's texts.
    /// </summary>
    public async Task<IReadOnlyList<string>> TextAsync(string from, string body, CancellationToken ct)
    {
        var form = new Dictionary<string, string> { ["From"] = from, ["To"] = PhoneSimulator.ServiceNumber, ["Body"] = body };
        using var request = new HttpRequestMessage(HttpMethod.Post, PhoneSimulator.InboundPath.TrimStart('/')) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(PainProAuth.ApiKeyHeader, apiKey);
        using var response = await http.SendAsync(request, ct);
        await EnsureSuccessAsync(response, "an SMS reply", ct);
        return PhoneSimulator.ParseTwiml(await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>
    /// Fills the web form behind <paramref name="link"/> as a patient's browser would: GET it (antiforgery cookie and
    /// token), then POST every item. Returns the form's HTTP status: 200 when the answers were taken.
    /// </summary>
    public async Task<HttpStatusCode> SubmitFormAsync(string link, IReadOnlyDictionary<string, int> answers, CancellationToken ct)
    {
        // A browser of its own: the antiforgery cookie must not leak between patients.
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = http.BaseAddress,
            Timeout = http.Timeout,
        };
        var path = new Uri(link).AbsolutePath.TrimStart('/');
        using var page = await browser.GetAsync(path, ct);
        if (!page.IsSuccessStatusCode) return page.StatusCode;
        var html = await page.Content.ReadAsStringAsync(ct);
        var token = AntiforgeryField().Match(html);
        if (!token.Success) throw new HttpRequestException("The survey form has no antiforgery token.");

        var fields = answers.Select(a => new KeyValuePair<string, string>(a.Key, a.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(new KeyValuePair<string, string>("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups["value"].Value)));
        using var submit = await browser.PostAsync(path, new FormUrlEncodedContent(fields), ct);
        return submit.StatusCode;
    }

    private async Task<T?> GetAsync<T>(string path, CancellationToken ct) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(PainProAuth.ApiKeyHeader, apiKey);
        request.Headers.Add(ServiceCallHandler.ActingUserHeader, DemoNurse);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, "GET " + path, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct);
    }

    private async Task PostAsync(string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add(PainProAuth.ApiKeyHeader, apiKey);
        request.Headers.Add(ServiceCallHandler.ActingUserHeader, DemoNurse);
        using var response = await http.SendAsync(request, ct);
        await EnsureSuccessAsync(response, "POST " + path, ct);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        throw new HttpRequestException($"{what} failed: {(int)response.StatusCode} {body[..Math.Min(body.Length, 500)]}", null, response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"|value=\"(?<value>[^\"]+)\"[^>]*name=\"__RequestVerificationToken\"")]
    private static partial Regex AntiforgeryField();
}
