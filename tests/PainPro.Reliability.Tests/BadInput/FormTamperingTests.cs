using System.Net;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;

namespace PainPro.Reliability.Tests.BadInput;

/// <summary>
/// The patient's web form (<c>/s/{token}</c>) under tampering: missing or foreign antiforgery tokens, altered links,
/// out-of-range and duplicated values, huge and numerous fields. Each gets a 4xx page and stores nothing; the
/// genuine submission afterwards stores exactly the survey's items.
/// </summary>
[Collection(SystemCollection.Name)]
public class FormTamperingTests(SystemUnderTest system)
{
    [Fact]
    public async Task Tampered_submissions_get_a_4xx_and_store_nothing_and_the_genuine_one_stores_only_the_surveys_items()
    {
        using var entry = Ledger.Open("inputs.form-tampering", Ledger.Inputs, "Web form: missing/foreign antiforgery, altered links, out-of-range, duplicated, huge and numerous fields");
        var enrolled = await system.EnrollAsync();
        var token = await system.WaitForSurveyAsync(enrolled);
        var other = await system.EnrollAsync();
        var otherToken = await system.WaitForSurveyAsync(other);

        var patient = await FormSession.OpenAsync(system, token);
        var stranger = await FormSession.OpenAsync(system, otherToken);
        var valid = new Dictionary<string, string> { ["vas"] = "4", ["analgesic"] = "2" };

        // Antiforgery: none, a field without its cookie, and another survey's (another browser's) token.
        await ExpectAsync(HttpStatusCode.BadRequest, "no antiforgery token", system.Client().PostAsync($"/s/{token}", new FormUrlEncodedContent(valid)));
        await ExpectAsync(HttpStatusCode.BadRequest, "the form token without its cookie",
            system.Client().PostAsync($"/s/{token}", new FormUrlEncodedContent(With(valid, patient.FieldName, patient.RequestToken))));
        await ExpectAsync(HttpStatusCode.BadRequest, "another survey's form token with this browser's cookie",
            patient.PostAsync(token, valid, requestToken: stranger.RequestToken));
        entry.Count("antiforgery cases", 3);

        // Links: altered by one character, truncated, padded, absurdly long.
        var altered = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        foreach (var link in new[] { altered, token[..^1], token + "A", new string('A', 5000), "..%2F..%2Fetc%2Fpasswd" })
        {
            var response = await patient.PostAsync(link, valid);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"a post to /s/{Http.Shorten(link)} answered {(int)response.StatusCode}");
            entry.Count("altered links");
        }

        // Values: out of range, not whole numbers, duplicated, missing, huge, too many fields.
        (string Case, IEnumerable<KeyValuePair<string, string>> Form)[] tampered =
        [
            ("vas 11", With(valid, "vas", "11")),
            ("vas -1", With(valid, "vas", "-1")),
            ("vas 7.5", With(valid, "vas", "7.5")),
            ("vas seven", With(valid, "vas", "seven")),
            ("vas empty", With(valid, "vas", "")),
            ("vas 1e1", With(valid, "vas", "1e1")),
            ("vas with a leading plus", With(valid, "vas", "+7")),
            ("analgesic 4", With(valid, "analgesic", "4")),
            ("analgesic 0", With(valid, "analgesic", "0")),
            ("analgesic missing", valid.Where(f => f.Key != "analgesic")),
            ("vas twice", valid.Append(KeyValuePair.Create("vas", "5"))),
            ("vas of a megabyte", With(valid, "vas", new string('7', 1024 * 1024))),
            ("vas 2147483648", With(valid, "vas", "2147483648")),
            ("5,000 extra fields", valid.Concat(Enumerable.Range(0, 5000).Select(i => KeyValuePair.Create($"f{i}", "1")))),
        ];
        foreach (var (name, form) in tampered)
        {
            var response = await patient.PostAsync(token, form);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name} answered {(int)response.StatusCode}");
            entry.Count("tampered values");
        }
        Assert.Empty(await system.ResponsesAsync(enrolled.EnrollmentId));
        Assert.Empty(await system.ResponsesAsync(other.EnrollmentId));

        // The genuine submission, with fields the survey does not ask slipped in: only its own items are stored.
        var genuine = await patient.PostAsync(token, With(With(valid, "msts.pain", "5"), "enrollmentId", other.EnrollmentId.ToString()));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        var stored = await system.ResponsesAsync(enrolled.EnrollmentId);
        Assert.Equal(["analgesic=2", "vas=4"], stored.Select(r => $"{r!["item"]}={r["value"]}").Order());
        Assert.Empty(await system.ResponsesAsync(other.EnrollmentId));
        entry.Pass();
    }

    private static async Task ExpectAsync(HttpStatusCode status, string what, Task<HttpResponseMessage> send)
    {
        var response = await send;
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}");
    }

    private static Dictionary<string, string> With(IEnumerable<KeyValuePair<string, string>> form, string name, string value) =>
        new(form.Where(f => f.Key != name)) { [name] = value };
}
