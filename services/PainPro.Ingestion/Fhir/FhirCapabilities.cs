using Hl7.Fhir.Model;
using PainPro.Fhir;

namespace PainPro.Ingestion.Fhir;

/// <summary>One search parameter a resource takes. <paramref name="Query"/> is its key in the query string.</summary>
public sealed record SearchParameterSpec(string Name, string Query, SearchParamType Type, string Definition, string Documentation);

public sealed record ResourceSpec(
    ResourceType Type,
    IReadOnlyList<CapabilityStatement.TypeRestfulInteraction> Interactions,
    IReadOnlyList<SearchParameterSpec> SearchParameters,
    IReadOnlyList<string> Operations)
{
    public IReadOnlyList<string> QueryKeys { get; } = [.. SearchParameters.Select(p => p.Query)];
}

/// <summary>
/// What the FHIR API does, in one table: the endpoints check their query strings against it and <c>metadata</c> is
/// rendered from it, so the CapabilityStatement cannot claim what the code does not do, or miss what it does.
/// </summary>
public static class FhirCapabilities
{
    private const string Spec = "http://hl7.org/fhir/SearchParameter/";

    private static readonly SearchParameterSpec PatientByMrn = new("patient", "patient.identifier", SearchParamType.Reference, Spec + "clinical-patient",
        "Only chained on the patient's identifier: patient.identifier=[system|]MRN (system as PainPro:Fhir:MrnSystem).");

    public static readonly ResourceSpec Questionnaire = new(ResourceType.Questionnaire,
        [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType],
        [new("url", "url", SearchParamType.Uri, Spec + "Questionnaire-url", "The canonical URL, optionally with |version.")],
        []);

    public static readonly ResourceSpec QuestionnaireResponse = new(ResourceType.QuestionnaireResponse,
        [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType],
        [
            PatientByMrn with { Definition = Spec + "QuestionnaireResponse-patient" },
            new("_lastUpdated", "_lastUpdated", SearchParamType.Date, Spec + "Resource-lastUpdated",
                "When an answer last changed (eq, ge, gt, le, lt; repeat to combine). Pages are ordered by it."),
        ],
        []);

    public static readonly ResourceSpec Observation = new(ResourceType.Observation,
        [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType],
        [
            PatientByMrn,
            new("code", "code", SearchParamType.Token, Spec + "clinical-code",
                $"[system|]code, comma for alternatives: {FhirVocabulary.Loinc}|{FhirVocabulary.PainSeverityCode}, {FhirVocabulary.Concepts}|msts-total, |msts-percent, |consensus-response-class."),
            new("date", "date", SearchParamType.Date, Spec + "clinical-date",
                "effectiveDateTime (eq, ge, gt, le, lt; repeat to combine). Pages are ordered by it."),
        ],
        []);

    public static readonly ResourceSpec Patient = new(ResourceType.Patient,
        [CapabilityStatement.TypeRestfulInteraction.Read], [], ["everything"]);

    public static readonly ResourceSpec Procedure = new(ResourceType.Procedure,
        [CapabilityStatement.TypeRestfulInteraction.Read], [], []);

    public static IReadOnlyList<ResourceSpec> Resources { get; } = [Questionnaire, QuestionnaireResponse, Observation, Patient, Procedure];

    /// <summary>The system-level interaction Scheduling serves at the same base (one origin behind the ingress).</summary>
    public static IReadOnlyList<CapabilityStatement.SystemRestfulInteraction> SystemInteractions { get; } =
        [CapabilityStatement.SystemRestfulInteraction.Transaction];

    public static CapabilityStatement Statement(string baseUrl, DateTimeOffset date) => new()
    {
        Name = "PainProFhirApi",
        Title = "PainPro FHIR R4 API",
        Status = PublicationStatus.Active,
        Date = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = "PainPro" },
        Implementation = new CapabilityStatement.ImplementationComponent { Description = "PainPro FHIR R4 API", Url = baseUrl },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = [FhirJson.MediaType, "json"],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Documentation = "X-Api-Key (or a staff sign-in) on every interaction but this one. The transaction " +
                                "(Patient + Procedure, optionally a baseline pain Observation) is served by PainPro Scheduling at the same base.",
                Resource = [.. Resources.Select(Resource)],
                Interaction = [.. SystemInteractions.Select(i => new CapabilityStatement.SystemInteractionComponent { Code = i })],
            },
        ],
    };

    private static CapabilityStatement.ResourceComponent Resource(ResourceSpec spec) => new()
    {
        Type = spec.Type.ToString(),
        Interaction = [.. spec.Interactions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i })],
        SearchParam = [.. spec.SearchParameters.Select(p => new CapabilityStatement.SearchParamComponent
        {
            Name = p.Name, Type = p.Type, Definition = p.Definition, Documentation = p.Documentation,
        })],
        Operation = [.. spec.Operations.Select(o => new CapabilityStatement.OperationComponent
        {
            Name = o, Definition = $"http://hl7.org/fhir/OperationDefinition/{spec.Type}-{o}",
        })],
    };
}
