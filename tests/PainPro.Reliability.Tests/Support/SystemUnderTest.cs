using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PainPro.AllInOne;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Support;

/// <summary>
/// The four services in one host, on a fresh PostgreSQL database and a fresh RabbitMQ virtual host: every public
/// endpoint on one origin, as behind the ingress, with staff sign-in, the dev SMS outbox (for survey links) and the
/// captured logs. Shared by the bad-input and access tests (one start-up for all of them).
/// </summary>
public sealed partial class SystemUnderTest : IAsyncLifetime
{
    public const string DemoPassword = "reliability-demo-password";

    private PostgresDatabase? postgres;
    private RabbitMqVirtualHost? rabbit;

    public PainProTestHost Host { get; private set; } = null!;
    public string BaseUrl => Host.BaseUrl;
    public string ConnectionString => postgres!.ConnectionString;

    public async Task InitializeAsync()
    {
        postgres = await PostgresDatabase.CreateAsync();
        rabbit = await RabbitMqVirtualHost.CreateAsync();
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Production(postgres.ConnectionString, rabbit.Uri))
        {
            ["PainPro:Portal:DemoPassword"] = DemoPassword,
            ["PainPro:Demo:Seed"] = "false",
            // The fuzzers and the matrix try many unknown links on purpose; the guessing limit has its own test and host.
            ["PainPro:Ingestion:SurveyLinks:FailedLookupsPerMinute"] = "100000",
        };
        Host = await PainProTestHost.StartAsync("PainPro.AllInOne", config, b => b.AddAllServices(), a => a.MapAllServices());
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (rabbit is not null) await rabbit.DisposeAsync();
        if (postgres is not null) await postgres.DisposeAsync();
    }

    /// <summary>A client that follows no redirects (access tests assert them) and keeps its own cookies.</summary>
    public HttpClient Client(string? apiKey = null, CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null) client.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, apiKey);
        return client;
    }

    /// <summary>A client holding the integration API key.</summary>
    public HttpClient ApiClient() => Client(PainProTestHost.Configuration.ApiKey);

    /// <summary>Signs in at the Portal as one of the demo accounts (nurse, manager, admin) and returns a client with the cookie.</summary>
    public async Task<HttpClient> SignInAsync(string userName)
    {
        var client = Client();
        var page = await client.GetStringAsync("/login");
        var token = AntiforgeryField().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("The sign-in page has no antiforgery field.");
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName,
            ["Password"] = DemoPassword,
            ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Signing in as {userName} answered {(int)response.StatusCode}.");
        return client;
    }

    /// <summary>Registers a procedure whose day-3 survey is due now and returns the enrollment and its day-3 survey.</summary>
    public async Task<Enrolled> EnrollAsync(Patient? patient = null)
    {
        patient ??= Patient.Next();
        using var api = ApiClient();
        var response = await api.PostAsJsonAsync("/api/procedures", Procedures.DueNow(patient));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Enrolment answered {(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!;
        var day3 = body["surveys"]!.AsArray().Single(s => s!["timepoint"]!.GetValue<string>() == "day3")!;
        return new Enrolled(patient, body["enrollmentId"]!.GetValue<Guid>(), body["patientId"]!.GetValue<Guid>(), day3["surveyId"]!.GetValue<Guid>());
    }

    /// <summary>Waits until the survey text went out (dev outbox) and Ingestion opened the survey; returns the form's token.</summary>
    public async Task<string> WaitForSurveyAsync(Enrolled enrolled)
    {
        using var api = ApiClient();
        var link = await Eventually.GetAsync<string?>(async () =>
            JsonNode.Parse(await api.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(enrolled.Patient.Phone)}"))!.AsArray()
                .Select(t => t!["link"]?.GetValue<string>()).FirstOrDefault(l => l is not null),
            l => l is not null, "the survey text in the dev outbox");
        var token = link![(link!.LastIndexOf('/') + 1)..];
        // The form answers 200 once Ingestion has opened the survey (its SurveyDue may trail Messaging's).
        using var anonymous = Client();
        await Eventually.TrueAsync(async () => (await anonymous.GetAsync($"/s/{token}")).StatusCode == HttpStatusCode.OK, "the survey form to open");
        return token;
    }

    /// <summary>Texts the reply through the signed webhook, as Twilio would, and returns the TwiML answer.</summary>
    public async Task<string> ReplyAsync(Patient patient, string body)
    {
        using var client = Client();
        var response = await TwilioWebhook.PostSmsAsync(client, BaseUrl, PainProTestHost.Configuration.TwilioAuthToken, TwilioWebhook.InboundSms(patient.Phone, body));
        var twiml = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The webhook answered {(int)response.StatusCode}: {twiml}");
        return twiml;
    }

    /// <summary>An enrollment whose day-3 reply of 9 (baseline 6) raised a pain-progression alert; returns the alert id.</summary>
    public async Task<(Enrolled Enrolled, Guid AlertId, string Token)> EnrollWithOpenAlertAsync()
    {
        var enrolled = await EnrollAsync();
        var token = await WaitForSurveyAsync(enrolled);
        await ReplyAsync(enrolled.Patient, "9");
        using var api = ApiClient();
        var alertId = await Eventually.GetAsync(async () =>
            JsonNode.Parse(await api.GetStringAsync($"/api/alerts?enrollmentId={enrolled.EnrollmentId}"))!.AsArray()
                .Select(a => a!["alertId"]!.GetValue<Guid>()).FirstOrDefault(),
            id => id != Guid.Empty, "the alert of the reply");
        return (enrolled, alertId, token);
    }

    /// <summary>Every answer Ingestion holds for the enrollment.</summary>
    public async Task<JsonArray> ResponsesAsync(Guid enrollmentId)
    {
        using var api = ApiClient();
        return JsonNode.Parse(await api.GetStringAsync($"/api/enrollments/{enrollmentId}/responses"))!.AsArray();
    }

    /// <summary>How many enrollments Scheduling holds.</summary>
    public async Task<int> EnrollmentCountAsync()
    {
        using var api = ApiClient();
        return JsonNode.Parse(await api.GetStringAsync("/api/enrollments"))!.AsArray().Count;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    public static partial Regex AntiforgeryField();
}

public sealed record Enrolled(Patient Patient, Guid EnrollmentId, Guid PatientId, Guid Day3SurveyId);

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemUnderTest>
{
    public const string Name = "system";
}
