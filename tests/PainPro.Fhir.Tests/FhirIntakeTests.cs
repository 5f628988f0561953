using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using PainPro.Fhir.Tests.Support;
using Xunit;

namespace PainPro.Fhir.Tests;

/// <summary><c>POST /fhir/r4</c> on Scheduling: the same registration, idempotency, validation and 409 as <c>POST /api/procedures</c>.</summary>
[Collection(CohortCollection.Name)]
public sealed class FhirIntakeTests(CohortSystem system)
{
    [Fact]
    public async Task A_transaction_Bundle_enrolls_the_patient_as_the_JSON_request_with_the_same_details_would()
    {
        var spec = ProcedureBundles.New((await system.NowAsync()).AddHours(-3)) with { Language = "es", BodySite = "humerus" };
        var response = await system.RegisterAsync(spec);
        Assert.Equal(["200 OK", "201 Created", "201 Created"], response.Entry.Select(e => e.Response!.Status));
        var enrollmentId = Guid.Parse(response.Entry[1].Response!.Location!["Procedure/".Length..]);

        var enrollment = await system.Api().Http.GetFromJsonAsync<JsonObject>($"/api/enrollments/{enrollmentId}");
        Assert.Equal("humerus", enrollment!["procedure"]!["bodySite"]!.GetValue<string>());
        Assert.Equal(6, enrollment["baseline"]!["vas"]!.GetValue<int>());
        Assert.Equal(spec.TimeZone, enrollment["timeZone"]!.GetValue<string>());
        Assert.Contains(enrollment["surveys"]!.AsArray(), s => s!["instruments"]!.AsArray().Any(i => i!.GetValue<string>() == "msts-upper"));

        // The same procedure as JSON is the same registration: a repeat, not a conflict.
        var json = await system.Api().Http.PostAsJsonAsync("/api/procedures", JsonRequest(spec));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(enrollmentId, (await json.Content.ReadFromJsonAsync<JsonObject>())!["enrollmentId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_sites_own_procedure_and_body_site_codes_are_read_as_the_types_they_are_configured_to_mean()
    {
        var bundle = ProcedureBundles.Transaction(ProcedureBundles.New((await system.NowAsync()).AddHours(-3)));
        var procedure = (Procedure)bundle.Entry[1].Resource!;
        procedure.Code = new CodeableConcept(CohortSystem.SiteProcedureCodes, "KYPHO-T", "Kyphoplasty, thoracic");
        procedure.BodySite = [new CodeableConcept(CohortSystem.SiteBodySites, "T-SPINE")];
        var location = (await system.Api().PostAsync("/fhir/r4", bundle)).As<Bundle>().Entry[1].Response!.Location!;

        var enrollment = await system.Api().Http.GetFromJsonAsync<JsonObject>($"/api/enrollments/{location["Procedure/".Length..]}");
        Assert.Equal("kyphoplasty", enrollment!["procedure"]!["type"]!.GetValue<string>());
        Assert.Equal("thoracic-spine", enrollment["procedure"]!["bodySite"]!.GetValue<string>());

        procedure.Code = new CodeableConcept(CohortSystem.SiteProcedureCodes, "UNMAPPED");
        var refused = await system.Api().PostAsync("/fhir/r4", bundle);
        Assert.Contains(refused.As<OperationOutcome>().Issue, i => i.Expression.Contains("Procedure.code") && i.Diagnostics!.Contains("'UNMAPPED' is not a known procedure type"));
    }

    [Fact]
    public async Task The_same_Bundle_twice_gives_the_same_enrollment_and_a_changed_one_409_with_the_JSON_APIs_words()
    {
        var spec = ProcedureBundles.New((await system.NowAsync()).AddHours(-3));
        var first = await system.RegisterAsync(spec);
        var again = await system.RegisterAsync(spec);
        Assert.Equal(first.Entry[1].Response!.Location, again.Entry[1].Response!.Location);
        Assert.Equal("200 OK", again.Entry[1].Response!.Status);

        var conflict = await system.Api().PostAsync("/fhir/r4", ProcedureBundles.Transaction(spec with { BodySite = "tibia" }));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        var issue = conflict.As<OperationOutcome>().Issue.Single();
        Assert.Equal(OperationOutcome.IssueType.Conflict, issue.Code);
        var json = await system.Api().Http.PostAsJsonAsync("/api/procedures", JsonRequest(spec with { BodySite = "fibula" }));
        Assert.Equal(HttpStatusCode.Conflict, json.StatusCode);
        Assert.Equal((await json.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), issue.Diagnostics);
    }

    [Fact]
    public async Task Invalid_details_get_the_JSON_APIs_messages_at_FHIR_paths()
    {
        var spec = ProcedureBundles.New((await system.NowAsync()).AddDays(-400)) with { Phone = "555-1234", Type = "laser-surgery", TimeZone = "Mars/Olympus" };
        var answer = await system.Api().PostAsync("/fhir/r4", ProcedureBundles.Transaction(spec));
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        var issues = answer.As<OperationOutcome>().Issue.Select(i => (Path: i.Expression.Single()!, Message: i.Diagnostics!)).ToList();

        var json = await system.Api().Http.PostAsJsonAsync("/api/procedures", JsonRequest(spec));
        var errors = (await json.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        var expected = errors.SelectMany(e => e.Value!.AsArray().Select(m => (Path: PathOf(e.Key), Message: m!.GetValue<string>()))).ToList();
        Assert.Equal(expected.Order(), issues.Order());
        Assert.Contains(issues, i => i.Path == "Patient.telecom" && i.Message.Contains("country code"));
        Assert.Contains(issues, i => i.Path == "Procedure.code" && i.Message.Contains("laser-surgery"));
        Assert.Contains(issues, i => i.Path == "Procedure.performed");
    }

    [Fact]
    public async Task A_Procedure_not_done_or_entered_in_error_cancels_its_enrollment()
    {
        var spec = ProcedureBundles.New((await system.NowAsync()).AddDays(1)) with { Status = EventStatus.Preparation, BaselineVas = null };
        var created = await system.RegisterAsync(spec);
        var location = created.Entry[1].Response!.Location!;

        var cancelled = await system.RegisterAsync(spec with { Status = EventStatus.NotDone });
        Assert.Equal(location, cancelled.Entry[1].Response!.Location);
        var enrollment = await system.Api().Http.GetFromJsonAsync<JsonObject>($"/api/enrollments/{location["Procedure/".Length..]}");
        Assert.Equal("cancelled", enrollment!["status"]!.GetValue<string>());
        Assert.Equal("not-done", enrollment["cancelReason"]!.GetValue<string>());
        Assert.All(enrollment["surveys"]!.AsArray(), s => Assert.Equal("cancelled", s!["status"]!.GetValue<string>()));
        // Again, as entered in error: cancelling twice answers like the first time.
        await system.RegisterAsync(spec with { Status = EventStatus.EnteredInError });

        var unknown = await system.Api().PostAsync("/fhir/r4", ProcedureBundles.Transaction(ProcedureBundles.New(await system.NowAsync()) with { Status = EventStatus.NotDone }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        var otherPatient = await system.Api().PostAsync("/fhir/r4", ProcedureBundles.Transaction(spec with { Status = EventStatus.NotDone, Mrn = "000001" }));
        Assert.Equal(HttpStatusCode.Conflict, otherPatient.Status);
    }

    [Fact]
    public async Task What_is_not_a_transaction_of_Patient_and_Procedure_is_refused_and_says_why()
    {
        var api = system.Api();
        var batch = ProcedureBundles.Transaction(ProcedureBundles.New(await system.NowAsync()));
        batch.Type = Bundle.BundleType.Batch;
        await RefusedAsync(api.PostAsync("/fhir/r4", batch), HttpStatusCode.BadRequest, "Bundle.type");

        var extra = ProcedureBundles.Transaction(ProcedureBundles.New(await system.NowAsync()));
        extra.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = new Organization { Name = "Main clinic" } });
        await RefusedAsync(api.PostAsync("/fhir/r4", extra), HttpStatusCode.BadRequest, "Bundle.entry[3].resource");

        var stranger = ProcedureBundles.Transaction(ProcedureBundles.New(await system.NowAsync()));
        ((Procedure)stranger.Entry[1].Resource!).Subject = new ResourceReference("Patient/someone-else");
        await RefusedAsync(api.PostAsync("/fhir/r4", stranger), HttpStatusCode.BadRequest, "Procedure.subject");

        var onHold = ProcedureBundles.Transaction(ProcedureBundles.New(await system.NowAsync()) with { Status = EventStatus.OnHold });
        await RefusedAsync(api.PostAsync("/fhir/r4", onHold), HttpStatusCode.BadRequest, "Procedure.status");

        await RefusedAsync(api.PostAsync("/fhir/r4", """{"resourceType":"Bundle","type":"transaction","bogus":1}"""), HttpStatusCode.BadRequest, null);
        await RefusedAsync(api.PostAsync("/fhir/r4", "not json"), HttpStatusCode.BadRequest, null);
        await RefusedAsync(api.PostAsync("/fhir/r4", "<Bundle/>", "application/fhir+xml"), HttpStatusCode.UnsupportedMediaType, null);
    }

    private static async Task RefusedAsync(Task<FhirAnswer> call, HttpStatusCode status, string? expression)
    {
        var answer = await call;
        Assert.True(answer.Status == status, $"expected {(int)status}, got {(int)answer.Status}: {answer.Body}");
        var outcome = answer.As<OperationOutcome>();
        Assert.All(outcome.Issue, i => Assert.False(string.IsNullOrWhiteSpace(i.Diagnostics)));
        if (expression is not null) Assert.Contains(outcome.Issue, i => i.Expression.Contains(expression));
    }

    private static string PathOf(string field) => Scheduling.Fhir.ProcedureBundleReader.ExpressionOfField[field];

    /// <summary>The JSON request carrying what <see cref="ProcedureBundles.Transaction"/> carries.</summary>
    private static object JsonRequest(ProcedureBundles.Spec spec) => new
    {
        externalId = spec.ExternalId,
        patient = new
        {
            mrn = spec.Mrn, givenName = spec.GivenName, familyName = "Ruiz", phone = spec.Phone, email = $"{spec.Mrn}@example.org",
            preferredChannel = "sms", locale = spec.Language, timeZone = spec.TimeZone,
        },
                // The instants as the Bundle writes them, so a message that quotes one reads the same.
        procedure = new { type = spec.Type, bodySite = spec.BodySite, performedAt = new FhirDateTime(spec.PerformedAt).Value, facility = "Main", surgeon = "Dr. Lee" },
        baseline = spec.BaselineVas is { } vas ? new { vas, recordedAt = new FhirDateTime(spec.PerformedAt.AddHours(-5)).Value } : null,
    };
}
