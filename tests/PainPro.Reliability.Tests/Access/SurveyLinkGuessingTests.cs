using System.Net;
using PainPro.AllInOne;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Access;

/// <summary>
/// Guessing survey links is throttled (DESIGN §8): a client that hits too many unknown links gets 429 for every
/// <c>/s/…</c> request until the window turns — a right guess included — while a patient with a good link never
/// spends the allowance.
/// </summary>
public class SurveyLinkGuessingTests
{
    private const int Allowance = 5;

    [Fact]
    public async Task After_the_allowance_of_wrong_links_every_survey_link_from_that_client_gets_429_with_retry_after()
    {
        using var entry = Ledger.Open("access.link-guessing", Ledger.Access, $"Survey-link guessing throttled after {Allowance} wrong links per minute");
        var directory = Path.Combine(Path.GetTempPath(), "painpro-reliability-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Embedded(directory, simulatedClock: false))
        {
            ["PainPro:Demo:Seed"] = "false",
            ["PainPro:Ingestion:SurveyLinks:FailedLookupsPerMinute"] = Allowance.ToString(),
        };
        await using var host = await PainProTestHost.StartAsync("PainPro.AllInOne", config, b => b.AddAllServices(), a => a.MapAllServices());
        var token = await OpenSurveyAsync(host);
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };

        // A patient with a good link may open it again and again: it costs nothing.
        for (var i = 0; i < Allowance * 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/s/{token}")).StatusCode);
        entry.Count("good-link visits", Allowance * 2);

        for (var i = 0; i < Allowance; i++)
        {
            var guess = await client.GetAsync($"/s/{Guess()}");
            Assert.Equal(HttpStatusCode.NotFound, guess.StatusCode);
            entry.Count("wrong guesses answered 404");
        }

        foreach (var path in new[] { $"/s/{Guess()}", $"/s/{token}" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"GET {path} after the allowance answered {(int)response.StatusCode}");
            Assert.True(response.Headers.RetryAfter is not null, "a 429 says when to come back (Retry-After)");
            entry.Count("requests throttled (429)");
        }
        // A posted guess without the form's antiforgery token is refused before any lookup: it learns nothing either.
        var posted = await client.PostAsync($"/s/{Guess()}", new FormUrlEncodedContent([]));
        Assert.True(posted.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadRequest, $"a posted guess answered {(int)posted.StatusCode}");
        entry.Count("requests throttled (429)");
        entry.Pass();
    }

    private static async Task<string> OpenSurveyAsync(PainProTestHost host)
    {
        using var api = host.CreateClient();
        var patient = Patient.Next();
        var created = await api.PostAsync("/api/procedures", System.Net.Http.Json.JsonContent.Create(Procedures.DueNow(patient)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = await Eventually.GetAsync(async () =>
            System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(patient.Phone)}"))!.AsArray()
                .Select(t => t!["link"]?.GetValue<string>()).FirstOrDefault(l => l is not null),
            l => l is not null, "the survey text");
        var token = link![(link!.LastIndexOf('/') + 1)..];
        using var anonymous = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        await Eventually.TrueAsync(async () => (await anonymous.GetAsync($"/s/{token}")).StatusCode == HttpStatusCode.OK, "the form to open");
        return token;
    }

    /// <summary>A well-formed link token nobody was given: 128 random bits, base64url.</summary>
    private static string Guess() =>
        Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
