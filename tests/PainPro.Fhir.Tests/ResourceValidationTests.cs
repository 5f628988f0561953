using System.Net;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using PainPro.Fhir.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace PainPro.Fhir.Tests;

/// <summary>
/// Done-when: every resource the FHIR API can return, for the whole generated cohort, validates against base R4 with
/// Firely's validator. Errors fail the test; warnings are listed in its output.
/// </summary>
[Collection(CohortCollection.Name)]
public sealed class ResourceValidationTests(CohortSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_resource_the_API_returns_for_the_cohort_validates_against_base_R4()
    {
        var api = system.Api();
        var returned = new List<Resource>();

        // Two shapes a cohort of patients who answer does not leave by itself: an answer revised by staff (amended) and
        // a survey whose window closed after the pain score alone (stopped). Both through the public paths.
        var amendedSurvey = await ReviseOneAnswerAsync(api);
        var stopped = await LeaveOneSurveyPartAnsweredAsync(returned);

        returned.Add((await api.GetAsync("/fhir/r4/metadata")).As<CapabilityStatement>());
        var (questionnaires, questionnairePages) = await api.SearchAllAsync("/fhir/r4/Questionnaire");
        returned.AddRange(questionnairePages);
        foreach (var q in questionnaires) returned.Add((await api.GetAsync($"/fhir/r4/Questionnaire/{q.Id}")).As<Questionnaire>());

        var (responses, responsePages) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=50");
        var (observations, observationPages) = await api.SearchAllAsync("/fhir/r4/Observation?_count=50");
        returned.AddRange(responsePages);
        returned.AddRange(observationPages);
        foreach (var r in responses.Take(5)) returned.Add((await api.GetAsync($"/fhir/r4/QuestionnaireResponse/{r.Id}")).As<QuestionnaireResponse>());
        foreach (var o in observations.Take(5)) returned.Add((await api.GetAsync($"/fhir/r4/Observation/{o.Id}")).As<Observation>());

        var patients = responses.Cast<QuestionnaireResponse>().Select(r => r.Subject!.Reference).Distinct().ToList();
        foreach (var patient in patients)
        {
            returned.Add((await api.GetAsync($"/fhir/r4/{patient}")).As<Patient>());
            returned.Add((await api.GetAsync($"/fhir/r4/{patient}/$everything")).As<Bundle>());
        }
        foreach (var procedure in responses.Cast<QuestionnaireResponse>().Select(r => r.PartOf[0].Reference!).Distinct().Take(5))
            returned.Add((await api.GetAsync($"/fhir/r4/{procedure}")).As<Procedure>());

        // The errors are resources too.
        returned.Add((await api.GetAsync("/fhir/r4/QuestionnaireResponse?subject=x")).As<OperationOutcome>());
        returned.Add((await api.GetAsync($"/fhir/r4/Patient/{Guid.NewGuid()}")).As<OperationOutcome>());
        returned.Add((await api.GetAsync("/fhir/r4/Encounter")).As<OperationOutcome>());
        var conflict = ProcedureBundles.New((await system.NowAsync()).AddDays(-1));
        await system.RegisterAsync(conflict);
        returned.Add((await api.PostAsync("/fhir/r4", ProcedureBundles.Transaction(conflict with { BodySite = "tibia" }))).As<OperationOutcome>());
        returned.Add((await api.PostAsync("/fhir/r4", ProcedureBundles.Transaction(conflict with { ExternalId = "X2", Phone = "555" }))).As<OperationOutcome>());

        // The cohort exercises every shape, or this test proves less than it says.
        var everything = returned.OfType<Bundle>().SelectMany(b => b.Entry.Select(e => e.Resource).OfType<Resource>()).Concat(returned).ToList();
        var allResponses = everything.OfType<QuestionnaireResponse>().ToList();
        Assert.Contains(allResponses, r => r.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Completed);
        Assert.Contains(allResponses, r => r.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Amended && r.Id == amendedSurvey);
        Assert.Contains(allResponses, r => r.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Stopped && r.Id == stopped);
        Assert.Equal(["baseline", "day3", "month1", "month3"], allResponses.Select(Timepoint).Distinct().Order());
        Assert.Equal(["en", "es"], allResponses.Select(r => r.Language).Distinct().Order());
        Assert.Contains(allResponses, r => r.Questionnaire!.Contains("msts-lower"));
        Assert.Contains(allResponses, r => r.Questionnaire!.Contains("msts-upper"));
        Assert.Equal(4, everything.OfType<Observation>().Select(o => o.Code!.Coding[0].Code).Distinct().Count());
        var issues = everything.OfType<DetectedIssue>().ToList();
        Assert.Contains(issues, i => i.Mitigation.Any(m => m.Action!.Coding[0].Code == "resolved"));
        Assert.Contains(issues, i => i.Mitigation.Count == 0);
        Assert.Contains(issues, i => i.Evidence[0].Detail.Count > 0);
        Assert.Equal(3, issues.Select(i => i.Severity).Distinct().Count());

        // What the API answered, each once; a Bundle is validated with its entries.
        var distinct = returned.DistinctBy(PainPro.Fhir.FhirJson.Serialize).ToList();
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var resource in distinct)
        {
            var (e, w) = R4Validator.Validate(resource);
            errors.AddRange(e);
            warnings.AddRange(w);
        }
        output.WriteLine($"Validated {distinct.Count} distinct resources ({string.Join(", ", distinct.GroupBy(r => r.TypeName).Select(g => $"{g.Count()} {g.Key}"))}).");
        output.WriteLine($"{warnings.Count} warnings, {warnings.Select(Kind).Distinct().Count()} kinds:");
        foreach (var kind in warnings.GroupBy(Kind)) output.WriteLine($"  {kind.Count()} × {kind.First()}");
        Assert.True(errors.Count == 0, $"{errors.Count} validation errors:\n{string.Join("\n", errors.Distinct().Take(40))}");
    }

    private static string Timepoint(DomainResource resource) =>
        ((Code)resource.GetExtension(PainPro.Fhir.FhirVocabulary.TimepointExtension)!.Value!).Value!;

    /// <summary>A warning without the resource id and entry numbers, so the same warning on many resources is listed once.</summary>
    private static string Kind(string warning) =>
        System.Text.RegularExpressions.Regex.Replace(warning[(warning.IndexOf(':') + 1)..].Trim(), @"\[\d+\]", "[]");

    /// <summary>A nurse corrects the pain score of a completed day-3 survey (the staff answer path); returns the survey id.</summary>
    private async Task<string> ReviseOneAnswerAsync(FhirHttp api)
    {
        var (responses, _) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=200");
        var day3 = responses.Cast<QuestionnaireResponse>().First(r => Timepoint(r) == "day3"
            && r.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Completed);
        var vas = ((Integer)day3.Item.Single(i => i.LinkId == "vas").Answer[0].Value!).Value!.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/surveys/{day3.Id}/responses")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { answers = new[] { new { item = "vas", value = vas == 10 ? 9 : vas + 1 } } }),
        };
        request.Headers.Add("X-PainPro-Acting-User", "nurse.fhir");
        using var response = await api.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"staff answer: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return day3.Id!;
    }

    /// <summary>A patient registered by FHIR texts a pain score for day 3 and nothing more; the window closes. Returns the survey id.</summary>
    private async Task<string> LeaveOneSurveyPartAnsweredAsync(List<Resource> returned)
    {
        var spec = ProcedureBundles.New((await system.NowAsync()).AddDays(-3).AddHours(-1)) with { Language = "es" };
        var registered = await system.RegisterAsync(spec);
        returned.Add(registered);
        var enrollmentId = registered.Entry[1].Response!.Location!["Procedure/".Length..];
        var api = system.Api();
        // The patient answers the text they got; the answer is on record before the window closes.
        await Testing.Eventually.TrueAsync(async () =>
            JsonNode.Parse(await api.Http.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(spec.Phone)}"))!.AsArray().Count > 0,
            "the day-3 text in the dev outbox");
        await system.Host.TextAsync(spec.Phone, "7");
        await Testing.Eventually.TrueAsync(async () =>
            JsonNode.Parse(await api.Http.GetStringAsync($"/api/enrollments/{enrollmentId}/responses"))!.AsArray().Count > 0,
            "the texted answer on record");
        await system.Host.AdvanceClockAsync("P3D");
        var found = await Testing.Eventually.GetAsync(
            async () => (await api.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?patient.identifier={spec.Mrn}")).Resources,
            r => r.Cast<QuestionnaireResponse>().Any(q => q.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Stopped),
            "the part-answered day-3 survey to close");
        var stopped = found.Cast<QuestionnaireResponse>().Single();
        Assert.Equal(7, ((Integer)stopped.Item.Single().Answer[0].Value!).Value);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/fhir/r4/QuestionnaireResponse/{stopped.Id}")).Status);
        return stopped.Id!;
    }
}
