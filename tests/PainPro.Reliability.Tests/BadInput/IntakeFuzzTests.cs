using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;

namespace PainPro.Reliability.Tests.BadInput;

/// <summary>
/// <c>POST /api/procedures</c> and the other JSON APIs under invalid JSON, absurd dates and time zones, huge strings
/// and random mutations: each gets a 400 problem naming what is wrong, nothing is stored, nothing answers 500.
/// "Nothing stored" is proven by reusing one external id for every bad request and registering it for real at
/// the end: had any bad request been stored, that last one would answer 200 or 409 instead of 201.
/// </summary>
[Collection(SystemCollection.Name)]
public class IntakeFuzzTests(SystemUnderTest system)
{
    [Fact]
    public async Task Invalid_json_gets_a_400_problem_and_stores_nothing()
    {
        using var entry = Ledger.Open("inputs.intake-json", Ledger.Inputs, "Intake: invalid JSON (truncated, wrong types, deep nesting, not an object)");
        var patient = Patient.Next();
        var valid = JsonSerializer.Serialize(Procedures.DueNow(patient), JsonOptions);
        string[] bodies =
        [
            "", " ", "{", "}", "[]", "null", "\"text\"", "42", "true", "{\"externalId\":", valid[..(valid.Length / 2)], valid + "}",
            valid.Replace("{\"externalId\"", "{/* comment */\"externalId\""), valid.Replace("}", ",}"),
            "\uFEFF\uFEFF" + valid, new string('[', 10_000) + new string(']', 10_000),
            valid.Replace("\"patient\":{", "\"patient\":[").Replace(",\"procedure\"", "],\"procedure\""),
            valid.Replace("\"vas\":6", "\"vas\":\"six\""), valid.Replace("\"vas\":6", "\"vas\":6.5"),
            valid.Replace("\"vas\":6", "\"vas\":1e400"), valid.Replace("\"vas\":6", "\"vas\":99999999999"),
            valid.Replace("\"externalId\":\"", "\"externalId\":[\"").Replace("\",\"patient\"", "\"],\"patient\""),
        ];

        var before = await system.EnrollmentCountAsync();
        using var api = system.ApiClient();
        foreach (var body in bodies)
        {
            var response = await api.PostAsync("/api/procedures", new StringContent(body, Encoding.UTF8, "application/json"));
            await Http.AssertProblemAsync(response, HttpStatusCode.BadRequest, $"body {Http.Shorten(body)}");
            entry.Count("invalid bodies");
        }

        var wrongType = await api.PostAsync("/api/procedures", new StringContent(valid, Encoding.UTF8, "text/plain"));
        await Http.AssertProblemAsync(wrongType, HttpStatusCode.UnsupportedMediaType, "a valid body sent as text/plain");
        entry.Count("invalid bodies");

        Assert.Equal(before, await system.EnrollmentCountAsync());
        await AssertRegistersOnceAsync(patient);
        entry.Pass();
    }

    [Fact]
    public async Task Absurd_dates_and_time_zones_get_a_400_naming_the_field_and_store_nothing()
    {
        using var entry = Ledger.Open("inputs.intake-dates-zones", Ledger.Inputs, "Intake: absurd dates, offsets and time zones");
        var patient = Patient.Next();
        string[] dates =
        [
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T10:00:00Z", "2026-11-20T25:00:00Z", "2026-11-20T10:61:00Z",
            "2026-11-20T10:00:00", "2026-11-20", "2026-11-20T10:00:00+25:00", "2026-11-20T10:00:00+14:30", "yesterday", "now",
            "1970-01-01T00:00:00Z", DateTimeOffset.UtcNow.AddYears(2).ToString("O"), DateTimeOffset.UtcNow.AddYears(-3).ToString("O"),
            "+002026-11-20T10:00:00Z", "2026-11-20T10:00:00Z\u0000", new string('9', 10_000),
        ];
        string[] zones =
        [
            "Mars/Olympus_Mons", "../../../../etc/passwd", "America/New_York\u0000", "UTC+5", "GMT+25", "america/new_york",
            "America/New York", "Europe/Londres", " /", new string('Z', 100_000), "Etc/GMT+99", "🌍",
        ];

        var before = await system.EnrollmentCountAsync();
        using var api = system.ApiClient();
        foreach (var date in dates)
        {
            var body = Mutate(Procedures.DueNow(patient), "procedure.performedAt", JsonValue.Create(date));
            await Http.AssertValidationProblemAsync(await PostAsync(api, body), "procedure.performedAt", $"performedAt '{Http.Shorten(date)}'");
            entry.Count("absurd dates");
        }
        foreach (var date in dates.Where(d => d.Contains('T')).Append(DateTimeOffset.UtcNow.AddDays(2).ToString("O")))
        {
            var body = Mutate(Procedures.DueNow(patient), "baseline.recordedAt", JsonValue.Create(date));
            await Http.AssertValidationProblemAsync(await PostAsync(api, body), "baseline.recordedAt", $"baseline.recordedAt '{Http.Shorten(date)}'");
            entry.Count("absurd dates");
        }
        foreach (var zone in zones)
        {
            var body = Mutate(Procedures.DueNow(patient), "patient.timeZone", JsonValue.Create(zone));
            await Http.AssertValidationProblemAsync(await PostAsync(api, body), "patient.timeZone", $"time zone '{Http.Shorten(zone)}'");
            entry.Count("absurd time zones");
        }

        Assert.Equal(before, await system.EnrollmentCountAsync());
        await AssertRegistersOnceAsync(patient);
        entry.Pass();
    }

    [Theory]
    [InlineData("externalId", 10_000)]
    [InlineData("patient.mrn", 10_000)]
    [InlineData("patient.givenName", 1024 * 1024)]
    [InlineData("patient.familyName", 100_000)]
    [InlineData("patient.phone", 100_000)]
    [InlineData("patient.email", 100_000)]
    [InlineData("patient.locale", 100_000)]
    [InlineData("procedure.type", 100_000)]
    [InlineData("procedure.bodySite", 100_000)]
    [InlineData("procedure.facility", 1024 * 1024)]
    [InlineData("procedure.surgeon", 1024 * 1024)]
    public async Task A_huge_string_in_any_field_gets_a_400_naming_it_and_stores_nothing(string field, int length)
    {
        using var entry = Ledger.Open($"inputs.intake-huge-{field}", Ledger.Inputs, $"Intake: a {length / 1024:N0} KB string in {field}");
        var patient = Patient.Next();
        // Shaped like the field's own values, so only the length can be what is wrong.
        var huge = field switch
        {
            "patient.phone" => "+1" + new string('5', length),
            "patient.email" => new string('a', length) + "@example.org",
            "patient.locale" => "es" + string.Concat(Enumerable.Repeat("-mx", length / 3)),
            _ => new string('x', length),
        };
        var before = await system.EnrollmentCountAsync();
        using var api = system.ApiClient();

        var response = await PostAsync(api, Mutate(Procedures.DueNow(patient), field, JsonValue.Create(huge)));
        entry.Count("huge strings");
        await Http.AssertValidationProblemAsync(response, field, $"a {length:N0}-character {field}");

        Assert.Equal(before, await system.EnrollmentCountAsync());
        await AssertRegistersOnceAsync(patient);
        entry.Pass();
    }

    [Theory]
    [InlineData("externalId")]
    [InlineData("patient.mrn")]
    [InlineData("patient.givenName")]
    [InlineData("patient.familyName")]
    [InlineData("procedure.facility")]
    [InlineData("procedure.surgeon")]
    public async Task A_nul_character_in_any_text_field_gets_a_400_naming_it_and_stores_nothing(string field)
    {
        using var entry = Ledger.Open($"inputs.intake-nul-{field}", Ledger.Inputs, $"Intake: a NUL character in {field}");
        var patient = Patient.Next();
        var before = await system.EnrollmentCountAsync();
        using var api = system.ApiClient();

        // PostgreSQL cannot store U+0000 in text: it must be refused as input, not fail as storage.
        var response = await PostAsync(api, Mutate(Procedures.DueNow(patient), field, JsonValue.Create("Ana\u0000Ruiz")));
        entry.Count("NUL characters");
        await Http.AssertValidationProblemAsync(response, field, $"a NUL character in {field}");

        Assert.Equal(before, await system.EnrollmentCountAsync());
        await AssertRegistersOnceAsync(patient);
        entry.Pass();
    }

    [Fact]
    public async Task Random_mutations_of_a_valid_request_are_registered_or_refused_with_400_never_with_a_server_error()
    {
        using var entry = Ledger.Open("inputs.intake-mutations", Ledger.Inputs, "Intake: random mutations of a valid request (any field, any JSON value)");
        string[] fields =
        [
            "externalId", "patient", "patient.mrn", "patient.givenName", "patient.familyName", "patient.phone", "patient.email",
            "patient.preferredChannel", "patient.locale", "patient.timeZone", "procedure", "procedure.type", "procedure.bodySite",
            "procedure.performedAt", "procedure.facility", "procedure.surgeon", "baseline", "baseline.vas", "baseline.recordedAt",
        ];
        // NUL has its own test (A_nul_character_in_any_text_field…).
        var strings = Gen.OneOf(
            ArbMap.Default.ArbFor<string>().Generator.Select(s => (s ?? "").Replace('\0', ' ')),
            Gen.Elements("", " ", "sms", "email", "fax", "es", "xx-YY", "+15551230001", "0", "-1", "11", "femur", "brain",
                "cementoplasty", "CEMENTOPLASTY", "unknown-procedure", "2026-11-20T14:00:00-05:00", "<script>", "' OR 1=1 --", "\u0001"));
        var values = Gen.OneOf(
            strings.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Choose(int.MinValue, int.MaxValue).Select(n => (JsonNode?)JsonValue.Create(n)),
            Gen.Elements<JsonNode?>(null, JsonValue.Create(true), JsonValue.Create(-0.5), new JsonArray(), new JsonObject(), new JsonArray(1, "a")));
        var mutations = Gen.ListOf(Gen.Zip(Gen.Elements(fields), values)).Where(m => m.Count is > 0 and <= 4);

        var before = await system.EnrollmentCountAsync();
        using var api = system.ApiClient();
        var created = 0;
        var failures = new List<string>();
        foreach (var mutation in mutations.Sample(Sizes.FuzzRuns))
        {
            var body = Procedures.DueNow(Patient.Next());
            var json = mutation.Aggregate(JsonSerializer.SerializeToNode(body, JsonOptions)!.AsObject(), (node, m) => Mutate(node, m.Item1, m.Item2?.DeepClone()));
            var response = await PostAsync(api, json);
            var what = $"mutation [{string.Join(", ", mutation.Select(m => $"{m.Item1}={Http.Shorten(m.Item2?.ToJsonString() ?? "null")}"))}]";
            if (Http.IsServerError(response))
            {
                failures.Add($"{what} answered {(int)response.StatusCode}");
                entry.Count("server errors");
                continue;
            }
            // A mutated external id may meet one registered before with other details: 409, also a refusal.
            if (response.StatusCode == HttpStatusCode.Created) created++;
            else if (response.StatusCode != HttpStatusCode.Conflict) await Http.AssertProblemAsync(response, HttpStatusCode.BadRequest, what);
            entry.Count(response.StatusCode switch
            {
                HttpStatusCode.Created => "mutations still valid (201)",
                HttpStatusCode.Conflict => "mutations meeting a taken external id (409)",
                _ => "mutations refused (400)",
            });
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Sizes.FuzzRuns} mutations got a server error:\n{string.Join("\n", failures.Take(20))}");
        // Exactly the accepted ones were stored.
        Assert.Equal(before + created, await system.EnrollmentCountAsync());
        entry.Pass();
    }

    [Fact]
    public async Task Query_strings_and_bodies_of_the_other_apis_get_a_4xx_for_nonsense_never_a_server_error()
    {
        using var entry = Ledger.Open("inputs.api-queries", Ledger.Inputs, "APIs: nonsense query strings, ids and bodies on every JSON endpoint");
        var enrolled = await system.EnrollAsync();
        string[] nonsense =
        [
            "", "0001-01-01", "9999-12-31", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "2026-13-45", "-1", "99999999999",
            "open'; DROP TABLE alerts;--", "%00", new string('x', 5000), "NaN", "😀", "2026-11-20T10:00:00+25:00",
        ];
        string[] templates =
        [
            "/api/enrollments?from={0}", "/api/enrollments?to={0}", "/api/enrollments?procedureType={0}",
            "/api/alerts?status={0}", "/api/alerts?severity={0}", "/api/alerts?limit={0}", "/api/alerts?offset={0}",
            "/api/alerts?enrollmentId={0}", "/api/alerts/stats?from={0}", "/api/alerts/stats?to={0}",
            "/api/outcomes/summary?from={0}", "/api/outcomes/summary?to={0}", "/api/outcomes/summary?procedureType={0}",
            "/api/patients?q={0}", "/api/enrollments/{0}", "/api/patients/{0}", "/api/alerts/{0}", "/api/enrollments/{0}/responses",
        ];

        using var api = system.ApiClient();
        var failures = new List<string>();
        foreach (var template in templates)
            foreach (var value in nonsense)
            {
                var url = string.Format(template, Uri.EscapeDataString(value));
                var response = await api.GetAsync(url);
                if (Http.IsServerError(response))
                    failures.Add($"GET {Http.Shorten(url)} answered {(int)response.StatusCode}");
                else if ((int)response.StatusCode >= 400
                         && await Record.ExceptionAsync(() => Http.AssertProblemAsync(response, response.StatusCode, $"GET {Http.Shorten(url)}")) is { } problem)
                    failures.Add(problem.Message);
                entry.Count("nonsense queries");
            }

        (string Method, string Url, string Body)[] bodies =
        [
            ("PATCH", $"/api/enrollments/{enrolled.EnrollmentId}", "{\"performedAt\":\"9999-12-31T00:00:00Z\"}"),
            ("PATCH", $"/api/enrollments/{enrolled.EnrollmentId}", "{\"performedAt\":\"2026-11-20\"}"),
            ("PATCH", $"/api/enrollments/{enrolled.EnrollmentId}", "{\"performedAt\":42}"),
            ("PATCH", $"/api/enrollments/{enrolled.EnrollmentId}", "{"),
            ("PATCH", $"/api/enrollments/{enrolled.EnrollmentId}", "{}"),
            ("POST", $"/api/enrollments/{enrolled.EnrollmentId}/cancel", "{\"reason\":\"" + new string('r', 100_000) + "\"}"),
            ("POST", $"/api/enrollments/{enrolled.EnrollmentId}/cancel", "[1,2"),
            ("POST", $"/api/surveys/{enrolled.Day3SurveyId}/responses", "{\"answers\":[{\"item\":\"vas\",\"value\":11}]}"),
            ("POST", $"/api/surveys/{enrolled.Day3SurveyId}/responses", "{\"answers\":[{\"item\":\"msts.pain\",\"value\":3}]}"),
            ("POST", $"/api/surveys/{enrolled.Day3SurveyId}/responses", "{\"answers\":[{\"item\":\"vas\",\"value\":3},{\"item\":\"vas\",\"value\":4}]}"),
            ("POST", $"/api/surveys/{enrolled.Day3SurveyId}/responses", "{\"answers\":[]}"),
            ("POST", $"/api/surveys/{enrolled.Day3SurveyId}/responses", "{\"answers\":\"vas=3\"}"),
        ];
        foreach (var (method, url, body) in bodies)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-PainPro-Acting-User", "reliability-nurse");
            var response = await api.SendAsync(request);
            var what = $"{method} {url} {Http.Shorten(body)}";
            if ((int)response.StatusCode is < 400 or >= 500)
                failures.Add($"{what} answered {(int)response.StatusCode}: {Http.Shorten(await response.Content.ReadAsStringAsync())}");
            else if (await Record.ExceptionAsync(() => Http.AssertProblemAsync(response, response.StatusCode, what)) is { } problem)
                failures.Add(problem.Message);
            entry.Count("invalid bodies");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} requests were mishandled:\n{string.Join("\n", failures)}");

        // Nothing of it stuck: the schedule still runs from the original procedure time, no answer was recorded.
        var enrollment = JsonNode.Parse(await api.GetStringAsync($"/api/enrollments/{enrolled.EnrollmentId}"))!;
        Assert.Equal("active", enrollment["status"]!.GetValue<string>());
        Assert.Empty(await system.ResponsesAsync(enrolled.EnrollmentId));
        entry.Pass();
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private async Task AssertRegistersOnceAsync(Patient patient)
    {
        using var api = system.ApiClient();
        var response = await api.PostAsJsonAsync("/api/procedures", Procedures.DueNow(patient));
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"after the bad requests, the same external id registered for real answered {(int)response.StatusCode} (not 201: a bad request was stored)");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient api, JsonNode body) =>
        api.PostAsync("/api/procedures", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    private static JsonObject Mutate(object request, string path, JsonNode? value) =>
        Mutate(JsonSerializer.SerializeToNode(request, JsonOptions)!.AsObject(), path, value);

    /// <summary>Sets the value at a dotted path; a missing or non-object parent is replaced by an object.</summary>
    private static JsonObject Mutate(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject child) node[segment] = child = new JsonObject();
            node = child;
        }
        node[segments[^1]] = value;
        return root;
    }
}
