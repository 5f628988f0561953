using System.Net;
using Hl7.Fhir.Model;
using PainPro.Fhir.Tests.Support;
using Xunit;

namespace PainPro.Fhir.Tests;

/// <summary>
/// Done-when: <c>metadata</c> lists exactly the interactions and search parameters the tests exercise. The list below
/// is what these tests exercise (each entry is driven here, and the searches and reads in the other tests use nothing
/// else: the server refuses an undeclared parameter or path, see <see cref="FhirSearchTests"/>); the statement must
/// equal it.
/// </summary>
[Collection(CohortCollection.Name)]
public sealed class CapabilityTests(CohortSystem system)
{
    private static readonly Dictionary<string, (string[] Interactions, string[] SearchParameters, string[] Operations)> Exercised = new()
    {
        ["Questionnaire"] = (["read", "search-type"], ["url"], []),
        ["QuestionnaireResponse"] = (["read", "search-type"], ["patient", "_lastUpdated"], []),
        ["Observation"] = (["read", "search-type"], ["patient", "code", "date"], []),
        ["Patient"] = (["read"], [], ["everything"]),
        ["Procedure"] = (["read"], [], []),
    };

    [Fact]
    public async Task Metadata_lists_exactly_the_interactions_and_search_parameters_the_tests_exercise()
    {
        var api = system.Api();
        var statement = (await api.GetAsync("/fhir/r4/metadata")).As<CapabilityStatement>();
        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        var rest = Assert.Single(statement.Rest);

        var declared = rest.Resource.ToDictionary(r => r.Type!, r => (
            Interactions: r.Interaction.Select(i => i.Code!.Value.ToString()).Select(Kebab).Order().ToArray(),
            SearchParameters: r.SearchParam.Select(p => p.Name!).Order().ToArray(),
            Operations: r.Operation.Select(o => o.Name!).Order().ToArray()));
        Assert.Equal(Exercised.Keys.Order(), declared.Keys.Order());
        foreach (var (type, expected) in Exercised)
        {
            Assert.Equal(expected.Interactions.Order(), declared[type].Interactions);
            Assert.Equal(expected.SearchParameters.Order(), declared[type].SearchParameters);
            Assert.Equal(expected.Operations.Order(), declared[type].Operations);
        }
        Assert.Equal(["transaction"], rest.Interaction.Select(i => i.Code!.Value.ToString().ToLowerInvariant()));

        // Each entry, driven.
        var (responses, _) = await api.SearchAllAsync("/fhir/r4/QuestionnaireResponse?_count=200");
        var response = responses.Cast<QuestionnaireResponse>().First(r => r.Questionnaire!.Contains("msts"));
        var mrn = response.Subject!.Identifier!.Value;
        var url = response.Questionnaire!.Split('|')[0];
        Assert.Single((await api.SearchAllAsync($"/fhir/r4/Questionnaire?url={Uri.EscapeDataString(url)}")).Resources);
        Assert.Equal(url, (await api.GetAsync($"/fhir/r4/Questionnaire/{url[(url.LastIndexOf('/') + 1)..]}")).As<Questionnaire>().Url);
        Assert.Equal(response.Id, (await api.GetAsync($"/fhir/r4/QuestionnaireResponse/{response.Id}")).As<QuestionnaireResponse>().Id);
        Assert.NotEmpty((await api.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?patient.identifier={mrn}&_lastUpdated=ge2000-01-01")).Resources);
        var (observations, _) = await api.SearchAllAsync($"/fhir/r4/Observation?patient.identifier={mrn}&code=msts-total&date=ge2000-01");
        var observation = Assert.IsType<Observation>(observations[0]);
        Assert.Equal(observation.Id, (await api.GetAsync($"/fhir/r4/Observation/{observation.Id}")).As<Observation>().Id);
        Assert.Equal(response.Subject.Reference, "Patient/" + (await api.GetAsync($"/fhir/r4/{response.Subject.Reference}")).As<Patient>().Id);
        Assert.Equal(response.PartOf[0].Reference, "Procedure/" + (await api.GetAsync($"/fhir/r4/{response.PartOf[0].Reference}")).As<Procedure>().Id);
        Assert.NotEmpty((await api.GetAsync($"/fhir/r4/{response.Subject.Reference}/$everything")).As<Bundle>().Entry);
        var transaction = await system.RegisterAsync(ProcedureBundles.New((await system.NowAsync()).AddHours(-2)));
        Assert.Equal(Bundle.BundleType.TransactionResponse, transaction.Type);

        // And nothing undeclared answers as if it worked.
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/fhir/r4/Questionnaire?_id=x")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync($"/fhir/r4/Observation?subject=Patient/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/fhir/r4/Procedure")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/fhir/r4/DetectedIssue/x")).Status);
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
