using System.Net;
using Hl7.Fhir.Model;
using PainPro.Fhir.Tests.Support;
using Xunit;

namespace PainPro.Fhir.Tests;

/// <summary>The searches, paging and reads of Ingestion's FHIR API, on the generated cohort.</summary>
[Collection(CohortCollection.Name)]
public sealed class FhirSearchTests(CohortSystem system)
{
    private const string Mrn = ProcedureBundles.MrnSystem;

    [Fact]
    public async Task Paging_through_QuestionnaireResponses_returns_each_once_in_lastUpdated_order()
    {
        var api = system.Api();
        var (all, _) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=200");
        var (paged, pages) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=7");

        Assert.True(pages.Count > 3, "the cohort spans several pages");
        Assert.All(pages, page => Assert.InRange(page.Entry.Count, 1, 7));
        Assert.Equal(all.Select(r => r.Id).Order(), paged.Select(r => r.Id).Order());
        Assert.Equal(paged.Count, paged.Select(r => r.Id).Distinct().Count());
        var updated = paged.Select(r => r.Meta!.LastUpdated!.Value).ToList();
        Assert.Equal(updated.Order(), updated);
    }

    [Fact]
    public async Task Paging_through_Observations_splits_a_surveys_scores_across_pages_without_loss()
    {
        var api = system.Api();
        var (all, _) = await api.SearchAllAsync("/fhir/r4/Observation?_count=200");
        var (paged, pages) = await api.SearchAllAsync("/fhir/r4/Observation?_count=3");

        Assert.All(pages.SkipLast(1), page => Assert.Equal(3, page.Entry.Count));
        Assert.Equal(all.Select(o => o.Id).Order(), paged.Select(o => o.Id).Order());
        Assert.Equal(paged.Count, paged.Select(o => o.Id).Distinct().Count());
    }

    [Fact]
    public async Task Patient_identifier_returns_that_patients_results_only()
    {
        var api = system.Api();
        var (all, _) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=200");
        var mrn = all.Cast<QuestionnaireResponse>().GroupBy(r => r.Subject!.Identifier!.Value).First(g => g.Count() > 1).Key;

        var (own, _) = await api.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?patient.identifier={Uri.EscapeDataString($"{Mrn}|{mrn}")}");
        Assert.Equal(all.Cast<QuestionnaireResponse>().Count(r => r.Subject!.Identifier!.Value == mrn), own.Count);
        Assert.All(own.Cast<QuestionnaireResponse>(), r => Assert.Equal(mrn, r.Subject!.Identifier!.Value));
        var (bare, _) = await api.SearchAllAsync($"/fhir/r4/Observation?patient.identifier={mrn}");
        Assert.NotEmpty(bare);
        Assert.All(bare.Cast<Observation>(), o => Assert.Equal(mrn, o.Subject!.Identifier!.Value));

        var (otherSystem, _) = await api.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?patient.identifier={Uri.EscapeDataString($"urn:other|{mrn}")}");
        Assert.Empty(otherSystem);
    }

    [Fact]
    public async Task LastUpdated_ge_and_lt_split_the_results_at_the_instant_given()
    {
        var api = system.Api();
        var (all, _) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=200");
        var middle = all.Select(r => r.Meta!.LastUpdated!.Value).Order().ElementAt(all.Count / 2);
        var at = Uri.EscapeDataString(middle.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));

        var (later, _) = await api.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?_lastUpdated=ge{at}&_count=200");
        var (earlier, _) = await api.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?_lastUpdated=lt{at}&_count=200");
        Assert.NotEmpty(later);
        Assert.NotEmpty(earlier);
        var second = new DateTimeOffset(middle.UtcTicks - middle.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        Assert.All(later, r => Assert.True(r.Meta!.LastUpdated >= second));
        Assert.All(earlier, r => Assert.True(r.Meta!.LastUpdated < second));
        Assert.Equal(all.Count, later.Count + earlier.Count);
    }

    [Fact]
    public async Task Code_and_date_narrow_Observations_to_the_scores_asked_for()
    {
        var api = system.Api();
        var (pain, _) = await api.SearchAllAsync($"/fhir/r4/Observation?code={Uri.EscapeDataString("http://loinc.org|72514-3")}&_count=200");
        Assert.NotEmpty(pain);
        Assert.All(pain.Cast<Observation>(), o => Assert.Equal("72514-3", o.Code!.Coding.Single().Code));

        var (msts, _) = await api.SearchAllAsync("/fhir/r4/Observation?code=msts-total,msts-percent&_count=200");
        Assert.Equal(["msts-percent", "msts-total"], msts.Cast<Observation>().Select(o => o.Code!.Coding.Single().Code).Distinct().Order());
        Assert.Equal(msts.Count / 2, msts.Count(o => ((Observation)o).Code!.Coding[0].Code == "msts-total"));

        var (unknown, _) = await api.SearchAllAsync("/fhir/r4/Observation?code=http://loinc.org|0000-0");
        Assert.Empty(unknown);

        var day = ((FhirDateTime)((Observation)pain[pain.Count / 2]).Effective!).ToDateTimeOffset(TimeSpan.Zero).UtcDateTime.ToString("yyyy-MM-dd");
        var (onDay, _) = await api.SearchAllAsync($"/fhir/r4/Observation?code=72514-3&date={day}&_count=200");
        Assert.NotEmpty(onDay);
        Assert.All(onDay.Cast<Observation>(), o =>
            Assert.Equal(day, ((FhirDateTime)o.Effective!).ToDateTimeOffset(TimeSpan.Zero).UtcDateTime.ToString("yyyy-MM-dd")));
        Assert.True(onDay.Count < pain.Count);
    }

    [Fact]
    public async Task Unknown_search_parameter_and_bad_values_are_refused_with_an_OperationOutcome()
    {
        var api = system.Api();
        foreach (var query in new[]
                 {
                     "/fhir/r4/QuestionnaireResponse?subject=Patient/1", "/fhir/r4/Observation?_count=0",
                     "/fhir/r4/Observation?date=yesterday", "/fhir/r4/QuestionnaireResponse?_page=not-a-page",
                     "/fhir/r4/Observation?patient.identifier=1&patient.identifier=2", "/fhir/r4/Questionnaire?_format=xml",
                 })
        {
            var answer = await api.GetAsync(query);
            Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{query}: {(int)answer.Status}");
            Assert.Equal(PainPro.Fhir.FhirJson.MediaType, answer.MediaType);
            Assert.NotEmpty(answer.As<OperationOutcome>().Issue[0].Diagnostics!);
        }
        var unknown = await api.GetAsync("/fhir/r4/DetectedIssue");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("metadata", unknown.As<OperationOutcome>().Issue[0].Diagnostics);
    }

    [Fact]
    public async Task Without_an_API_key_only_metadata_answers()
    {
        var anonymous = system.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/fhir/r4/metadata")).Status);
        foreach (var path in new[] { "/fhir/r4/QuestionnaireResponse", "/fhir/r4/Observation", "/fhir/r4/Questionnaire", $"/fhir/r4/Patient/{Guid.NewGuid()}/$everything" })
            Assert.True((await anonymous.GetAsync(path)).Status == HttpStatusCode.Unauthorized, path);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/fhir/r4", ProcedureBundles.Transaction(ProcedureBundles.New(await system.NowAsync())))).Status);
    }

    [Fact]
    public async Task Everything_exports_one_patient_with_every_reference_resolved_inside_the_export()
    {
        var api = system.Api();
        var (all, _) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=200");
        var patient = all.Cast<QuestionnaireResponse>().GroupBy(r => r.Subject!.Reference).OrderByDescending(g => g.Count()).First();

        var export = (await api.GetAsync($"/fhir/r4/{patient.Key}/$everything")).As<Bundle>();
        var resources = export.Entry.Select(e => e.Resource!).ToList();
        var ids = resources.Select(r => $"{r.TypeName}/{r.Id}").ToHashSet();
        Assert.Single(resources.OfType<Patient>());
        Assert.Equal(patient.Select(r => r.Id).Order(), resources.OfType<QuestionnaireResponse>().Select(r => r.Id).Order());
        Assert.NotEmpty(resources.OfType<Procedure>());
        Assert.NotEmpty(resources.OfType<Observation>());

        var references = resources.OfType<QuestionnaireResponse>().SelectMany(r => new[] { r.Subject!.Reference, r.PartOf[0].Reference })
            .Concat(resources.OfType<Observation>().SelectMany(o => new[] { o.Subject!.Reference, o.PartOf[0].Reference, o.DerivedFrom[0].Reference }))
            .Concat(resources.OfType<DetectedIssue>().SelectMany(i => i.Evidence.SelectMany(e => e.Detail).Select(d => d.Reference).Append(i.Patient!.Reference)))
            .Concat(resources.OfType<Procedure>().Select(p => p.Subject!.Reference));
        Assert.All(references, reference => Assert.Contains(reference!, ids));
        var canonicals = resources.OfType<Questionnaire>().Select(q => $"{q.Url}|{q.Version}").ToHashSet();
        Assert.All(resources.OfType<QuestionnaireResponse>(), r => Assert.Contains(r.Questionnaire!, canonicals));

        var read = (await api.GetAsync($"/fhir/r4/{patient.Key}")).As<Patient>();
        Assert.Equal(patient.First().Subject!.Identifier!.Value, read.Identifier.Single().Value);
    }

    [Fact]
    public async Task Every_view_of_a_patients_results_is_audited_with_who_looked()
    {
        var api = system.Api();
        var (responses, _) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=1");
        var response = (QuestionnaireResponse)responses[0];
        var enrollmentId = response.PartOf[0].Reference!["Procedure/".Length..];
        var before = await ViewsAsync(enrollmentId);

        await api.GetAsync($"/fhir/r4/QuestionnaireResponse/{response.Id}");
        await api.GetAsync($"/fhir/r4/{response.Subject!.Reference}/$everything");

        var after = await ViewsAsync(enrollmentId);
        Assert.Equal(["Patient $everything", "QuestionnaireResponse read"], after.Skip(before.Count).Select(v => v.Detail).Order());
        Assert.All(after, v => Assert.Equal("dev", v.Actor)); // the dev API key's name
    }

    private async Task<List<(string Actor, string Detail)>> ViewsAsync(string enrollmentId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={system.IngestionDatabase};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT actor, detail FROM audit_log WHERE action = 'viewed-fhir' AND enrollment_id = $id ORDER BY at, id";
        command.Parameters.AddWithValue("$id", enrollmentId);
        var views = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) views.Add((reader.GetString(0), reader.GetString(1)));
        return views;
    }

    [Fact]
    public async Task A_resource_read_by_id_is_the_one_the_search_returned()
    {
        var api = system.Api();
        var (observations, _) = await api.SearchAllAsync("/fhir/r4/Observation?code=consensus-response-class&_count=5");
        var observation = (Observation)observations[0];
        var read = (await api.GetAsync($"/fhir/r4/Observation/{observation.Id}")).As<Observation>();
        Assert.Equal(PainPro.Fhir.FhirJson.Serialize(observation), PainPro.Fhir.FhirJson.Serialize(read));

        var response = (await api.GetAsync($"/fhir/r4/{observation.DerivedFrom[0].Reference}")).As<QuestionnaireResponse>();
        Assert.Equal(observation.Subject!.Reference, response.Subject!.Reference);
        var procedure = (await api.GetAsync($"/fhir/r4/{observation.PartOf[0].Reference}")).As<Procedure>();
        Assert.Equal(observation.Subject.Reference, procedure.Subject!.Reference);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/fhir/r4/Observation/{observation.Id![..36]}-unknown")).Status);
    }
}
