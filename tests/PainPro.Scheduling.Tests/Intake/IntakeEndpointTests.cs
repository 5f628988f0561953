using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using PainPro.Contracts;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.Patients;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Intake;

public class IntakeEndpointTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Repeating_an_external_id_answers_200_with_the_same_enrollment_and_a_different_body_409(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var performedAt = scheduling.Now.AddDays(-1);

        var first = await scheduling.Client.PostAsJsonAsync("/api/procedures", Procedures.Body("EHR-7", performedAt));
        var repeat = await scheduling.Client.PostAsJsonAsync("/api/procedures", Procedures.Body("EHR-7", performedAt.ToOffset(TimeSpan.FromHours(2))));
        var changed = await scheduling.Client.PostAsJsonAsync("/api/procedures", Procedures.Body("EHR-7", performedAt.AddHours(1)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        var created = (await first.Content.ReadFromJsonAsync<EnrollmentView>(Json.Options))!;
        Assert.Equal(created.EnrollmentId, (await repeat.Content.ReadFromJsonAsync<EnrollmentView>(Json.Options))!.EnrollmentId);
        Assert.Equal($"/api/enrollments/{created.EnrollmentId}", first.Headers.Location?.OriginalString);
        Assert.Contains(created.EnrollmentId.ToString(), await changed.Content.ReadAsStringAsync());
        Assert.Single(await scheduling.OutboxAsync<EnrollmentCreated>());
    }

    [Fact]
    public async Task A_second_procedure_for_the_same_MRN_reuses_the_patient_and_updates_the_contact_details()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var performedAt = scheduling.Now.AddDays(-1);

        var first = await scheduling.RegisterAsync(Procedures.Body("EHR-A", performedAt, email: "ana@example.org"));
        var second = await scheduling.RegisterAsync(Procedures.Body("EHR-B", performedAt.AddHours(2), email: "ana.ruiz@example.net", type: "vertebroplasty", bodySite: "lumbar-spine"));

        Assert.Equal(first.PatientId, second.PatientId);
        var patient = (await scheduling.Client.GetFromJsonAsync<PatientView>($"/api/patients/{first.PatientId}", Json.Options))!;
        Assert.Equal("ana.ruiz@example.net", patient.Email);
        Assert.Equal([second.EnrollmentId, first.EnrollmentId], patient.Enrollments.Select(e => e.EnrollmentId));
        Assert.All(patient.Enrollments, e => Assert.Equal(EnrollmentStatuses.Active, e.Status));
    }

    [Fact]
    public async Task Validation_problems_name_every_bad_field()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Procedures.Body("EHR-X", scheduling.Now, timeZone: "Nowhere/Atlantis", phone: "555-0100")))!;

        var response = await scheduling.Client.PostAsJsonAsync("/api/procedures", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(["patient.phone", "patient.timeZone"], errors.Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("externalId", "EHR-\u0000-1")]
    [InlineData("patient.familyName", "Ru\u0000iz")]
    [InlineData("procedure.surgeon", null)] // a 1 MB string
    [InlineData("patient.email", null)]
    public async Task A_NUL_character_or_a_huge_string_is_a_400_naming_its_field_and_nothing_is_stored(string field, string? value)
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Postgres);
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Procedures.Body("EHR-Z", scheduling.Now)))!;
        var path = field.Split('.');
        var parent = path.Length == 1 ? body : body[path[0]]!;
        parent[path[^1]] = System.Text.RegularExpressions.Regex.Unescape(value ?? new string('x', 1024 * 1024));

        var response = await scheduling.Client.PostAsJsonAsync("/api/procedures", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
        Assert.True(response.Content.Headers.ContentLength is null or < 10_000, "the error does not echo the huge value");
        Assert.Empty(await scheduling.OutboxAsync<EnrollmentCreated>());
    }

    [Fact]
    public async Task A_value_of_the_wrong_JSON_type_is_a_400_naming_its_field()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Procedures.Body("EHR-Y", scheduling.Now)))!;
        body["baseline"]!["vas"] = "eight";

        var response = await scheduling.Client.PostAsJsonAsync("/api/procedures", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["baseline.vas"]);
        Assert.Empty(await scheduling.OutboxAsync<EnrollmentCreated>());
    }

    [Fact]
    public async Task Registering_without_an_API_key_is_refused()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        using var anonymous = scheduling.Host.CreateClient(withApiKey: false);
        using var wrongKey = scheduling.Host.CreateClient(withApiKey: false);
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key");

        var withoutKey = await anonymous.PostAsJsonAsync("/api/procedures", Procedures.Body("EHR-Z", scheduling.Now));
        var withWrongKey = await wrongKey.PostAsJsonAsync("/api/procedures", Procedures.Body("EHR-Z", scheduling.Now));

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongKey.StatusCode);
        Assert.Empty(await scheduling.OutboxAsync<EnrollmentCreated>());
    }

    [Fact]
    public async Task Patient_search_finds_by_MRN_prefix_and_name_and_audits_the_acting_user()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var ana = await scheduling.RegisterAsync(Procedures.Body("EHR-1", scheduling.Now.AddDays(-1), mrn: "0042017"));
        await scheduling.RegisterAsync(Procedures.Body("EHR-2", scheduling.Now.AddDays(-1), mrn: "9942017"));
        scheduling.Client.DefaultRequestHeaders.Add(PatientEndpoints.ActingUserHeader, "nurse.jo");

        var byPrefix = await scheduling.Client.GetFromJsonAsync<List<PatientView>>("/api/patients?q=0042", Json.Options);
        var byName = await scheduling.Client.GetFromJsonAsync<List<PatientView>>("/api/patients?q=ANA%20RU", Json.Options);
        var wildcard = await scheduling.Client.GetFromJsonAsync<List<PatientView>>("/api/patients?q=%25%25", Json.Options);
        var tooShort = await scheduling.Client.GetAsync("/api/patients?q=0");

        Assert.Equal([ana.PatientId], byPrefix!.Select(p => p.PatientId));
        Assert.Equal(2, byName!.Count);
        Assert.Empty(wildcard!);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        var audit = (await scheduling.Db.ReadAsync(c => c.QueryAsync<(string, string, string)>(
            "SELECT action, viewed_by, client FROM patient_views WHERE patient_id = @id", new { id = ana.PatientId }))).ToList();
        Assert.Equal([("search", "nurse.jo", "dev"), ("search", "nurse.jo", "dev")], audit);
    }

    [Fact]
    public async Task Enrollments_list_by_procedure_type_and_date_for_the_dashboard()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var now = scheduling.Now;
        var recent = await scheduling.RegisterAsync(Procedures.Body("EHR-1", now.AddDays(-2)));
        await scheduling.RegisterAsync(Procedures.Body("EHR-2", now.AddDays(-40)));
        await scheduling.RegisterAsync(Procedures.Body("EHR-3", now.AddDays(-2), type: "kyphoplasty", bodySite: "thoracic-spine"));

        var from = now.AddDays(-10).ToString("yyyy-MM-dd");
        var list = await scheduling.Client.GetFromJsonAsync<List<EnrollmentListItem>>($"/api/enrollments?procedureType=cementoplasty&from={from}", Json.Options);
        var badDate = await scheduling.Client.GetAsync("/api/enrollments?from=yesterday");

        var item = Assert.Single(list!);
        Assert.Equal((recent.EnrollmentId, "active"), (item.EnrollmentId, item.Status));
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
    }
}
