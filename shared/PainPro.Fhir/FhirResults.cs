using System.Text;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Task = System.Threading.Tasks.Task;

namespace PainPro.Fhir;

/// <summary>Answers in <c>application/fhir+json</c>: a resource, or an OperationOutcome for an error.</summary>
public static class FhirResults
{
    public static IResult Resource(Resource resource, int statusCode = StatusCodes.Status200OK, string? location = null) =>
        new FhirResourceResult(resource, statusCode, location);

    public static IResult Outcome(int statusCode, OperationOutcome.IssueType code, string message, params string[] expressions) =>
        Outcome(statusCode, Issue(code, message, expressions));

    public static IResult Outcome(int statusCode, OperationOutcome outcome) => new FhirResourceResult(outcome, statusCode, null);

    public static OperationOutcome Issue(OperationOutcome.IssueType code, string message, params string[] expressions)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = message };
        if (expressions.Length > 0) issue.Expression = expressions;
        return new OperationOutcome { Issue = [issue] };
    }

    private sealed class FhirResourceResult(Resource resource, int statusCode, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = statusCode;
            http.Response.ContentType = FhirJson.MediaType + "; charset=utf-8";
            if (location is not null) http.Response.Headers.Location = location;
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(FhirJson.Serialize(resource)), http.RequestAborted);
        }
    }
}
