using System.Net;
using PainPro.AllInOne;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Access;

/// <summary>
/// Guessing survey links is throttled (DESIGN §8) and a valid link never is: only unknown links spend an allowance,
/// per client address and in total. Clients are told apart by the address the (trusted, loopback) proxy forwards, as
/// behind the ingress: a patient behind a mobile carrier's shared address keeps opening their survey while someone
/// else on that address is refused for guessing, and guessing spread over many addresses is stopped by the total.
/// </summary>
public class SurveyLinkGuessingTests
{
    private const int Allowance = 5;
    private const int TotalAllowance = 12;
    private const string CarrierAddress = "198.51.100.10";

    [Fact]
    public async Task Wrong_links_are_throttled_per_address_and_in_total_while_a_valid_link_from_a_throttled_address_still_opens()
    {
        using var entry = Ledger.Open("access.link-guessing", Ledger.Access,
            $"Survey-link guessing throttled after {Allowance} wrong links per address and {TotalAllowance} in total per minute; a valid link never");
        var directory = Path.Combine(Path.GetTempPath(), "painpro-reliability-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Embedded(directory, simulatedClock: false))
        {
            ["PainPro:Demo:Seed"] = "false",
            ["PainPro:Ingestion:SurveyLinks:FailedLookupsPerMinute"] = Allowance.ToString(),
            ["PainPro:Ingestion:SurveyLinks:FailedLookupsPerMinuteTotal"] = TotalAllowance.ToString(),
        };
        await using var host = await PainProTestHost.StartAsync("PainPro.AllInOne", config, b => b.AddAllServices(), a => a.MapAllServices());
        var token = await OpenSurveyAsync(host);
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };

        // A patient with a good link may open it again and again: it costs nothing.
        for (var i = 0; i < Allowance * 2; i++)
            await ExpectAsync(CarrierAddress, $"/s/{token}", HttpStatusCode.OK, "good-link visits");

        // Someone else on the patient's carrier address guesses: the allowance runs out, then further guesses get 429.
        for (var i = 0; i < Allowance; i++) await ExpectAsync(CarrierAddress, $"/s/{Guess()}", HttpStatusCode.NotFound, "wrong guesses answered 404");
        await ExpectAsync(CarrierAddress, $"/s/{Guess()}", HttpStatusCode.TooManyRequests, "guesses throttled (429)");
        // A posted guess without the form's antiforgery token is refused before any lookup.
        var posted = await client.SendAsync(From(CarrierAddress, HttpMethod.Post, $"/s/{Guess()}", new FormUrlEncodedContent([])));
        Assert.True(posted.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadRequest, $"a posted guess answered {(int)posted.StatusCode}");

        // The patient on that same address is not locked out.
        for (var i = 0; i < 3; i++)
            await ExpectAsync(CarrierAddress, $"/s/{token}", HttpStatusCode.OK, "good-link visits from the throttled address");

        // Guessing spread over other addresses: each has its own allowance left, but the total runs out.
        var spent = Allowance;
        var addresses = Enumerable.Range(1, 10).Select(i => $"203.0.113.{i}").ToList();
        foreach (var address in addresses)
        {
            if (spent == TotalAllowance) break;
            var guesses = Math.Min(Allowance - 2, TotalAllowance - spent);
            for (var i = 0; i < guesses; i++) await ExpectAsync(address, $"/s/{Guess()}", HttpStatusCode.NotFound, "wrong guesses answered 404");
            spent += guesses;
        }
        await ExpectAsync(addresses[^1], $"/s/{Guess()}", HttpStatusCode.TooManyRequests, "guesses throttled by the total (429)");
        await ExpectAsync(addresses[^1], $"/s/{token}", HttpStatusCode.OK, "good-link visits while the total is spent");
        entry.Pass();

        async Task ExpectAsync(string address, string path, HttpStatusCode status, string counted)
        {
            using var response = await client.SendAsync(From(address, HttpMethod.Get, path));
            Assert.True(response.StatusCode == status, $"GET {path} from {address} answered {(int)response.StatusCode}, expected {(int)status}");
            if (status == HttpStatusCode.TooManyRequests)
                Assert.True(response.Headers.RetryAfter is not null, "a 429 says when to come back (Retry-After)");
            entry.Count(counted);
        }
    }

    /// <summary>A request as the ingress forwards it from a client at <paramref name="address"/>.</summary>
    private static HttpRequestMessage From(string address, HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", address);
        return request;
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
