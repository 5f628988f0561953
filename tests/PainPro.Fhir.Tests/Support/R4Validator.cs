using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace PainPro.Fhir.Tests.Support;

/// <summary>Firely's validator against base FHIR R4 (the specification package), with its local terminology.</summary>
public static class R4Validator
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    /// <summary>The errors and the warnings of one resource, as "location: message".</summary>
    public static (List<string> Errors, List<string> Warnings) Validate(Resource resource)
    {
        OperationOutcome outcome;
        lock (Instance) outcome = Instance.Value.Validate(resource);
        string Line(OperationOutcome.IssueComponent i) =>
            $"{resource.TypeName}/{resource.Id}: {string.Join(",", i.Expression ?? i.Location ?? [])}: {i.Details?.Text ?? i.Diagnostics}";
        return (
            [.. outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).Select(Line)],
            [.. outcome.Issue.Where(i => i.Severity == OperationOutcome.IssueSeverity.Warning).Select(Line)]);
    }
}
