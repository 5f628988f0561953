namespace PainPro.Fhir;

/// <summary>
/// <c>PainPro:Fhir</c>, read by Scheduling (procedures in) and Ingestion (results out):
/// <code>
/// PainPro:Fhir:MrnSystem                  Patient.identifier system of the MRN (default https://painpro.example/fhir/sid/mrn)
/// PainPro:Fhir:ProcedureIdentifierSystem  Procedure.identifier system of the external id (default https://painpro.example/fhir/sid/procedure)
/// PainPro:Fhir:ProcedureCodes:N:System / :Code / :Type      an EHR code (SNOMED CT, CPT …) that means one of our procedure types
/// PainPro:Fhir:BodySiteCodes:N:System / :Code / :Site       an EHR code that means one of our body sites
/// PainPro:Fhir:PageSize / MaxPageSize     searchset page size when _count is not given (50), and its cap (200)
/// </code>
/// </summary>
public sealed class FhirOptions
{
    public const string Section = "PainPro:Fhir";

    public string MrnSystem { get; set; } = FhirVocabulary.CanonicalBase + "/sid/mrn";

    public string ProcedureIdentifierSystem { get; set; } = FhirVocabulary.CanonicalBase + "/sid/procedure";

    public List<CodeMapping> ProcedureCodes { get; set; } = [];

    public List<CodeMapping> BodySiteCodes { get; set; } = [];

    public int PageSize { get; set; } = 50;

    public int MaxPageSize { get; set; } = 200;
}

/// <summary>A site's own code for one of ours.</summary>
/// <param name="Type">The PainPro procedure type (procedure codes) …</param>
/// <param name="Site">… or body site (body-site codes) it means.</param>
public sealed class CodeMapping
{
    public string System { get; set; } = "";
    public string Code { get; set; } = "";
    public string? Type { get; set; }
    public string? Site { get; set; }
}
