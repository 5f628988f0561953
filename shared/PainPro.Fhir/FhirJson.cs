using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Microsoft.AspNetCore.Http;

namespace PainPro.Fhir;

/// <summary>FHIR R4 JSON in and out (Firely's System.Text.Json converters: strict on the way in, compact on the way out).</summary>
public static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static string Serialize(Resource resource) => JsonSerializer.Serialize(resource, Options);

    /// <exception cref="DeserializationFailedException">Not valid FHIR R4 (wrong element, type or value).</exception>
    /// <exception cref="JsonException">Not JSON.</exception>
    public static T Parse<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("The body is JSON null.");

    /// <summary>
    /// The body as a resource of type <typeparamref name="T"/>, or the OperationOutcome result to answer with: 415 for
    /// another media type, 400 naming each element that is not valid FHIR R4.
    /// </summary>
    public static async Task<(T? Resource, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : Resource
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim() ?? "";
        if (!mediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, FhirResults.Outcome(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported,
                $"Send the {typeof(T).Name} as {MediaType}."));
        try
        {
            var resource = await JsonSerializer.DeserializeAsync<Resource>(request.Body, Options, ct);
            if (resource is T typed) return (typed, null);
            return (null, FhirResults.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid,
                $"The body is a {resource?.TypeName ?? "null"}; a {typeof(T).Name} is expected."));
        }
        catch (DeserializationFailedException ex)
        {
            var outcome = new OperationOutcome();
            foreach (var error in ex.Exceptions.Take(20))
            {
                var issue = new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = OperationOutcome.IssueType.Structure,
                    Diagnostics = error.Message,
                };
                if (error is ExtendedCodedException { } coded && coded.InstancePath is { Length: > 0 } path) issue.Expression = [path];
                outcome.Issue.Add(issue);
            }
            return (null, FhirResults.Outcome(StatusCodes.Status400BadRequest, outcome));
        }
        catch (JsonException ex)
        {
            return (null, FhirResults.Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Structure,
                $"The body is not valid JSON ({ex.Message})."));
        }
    }
}
