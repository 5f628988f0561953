using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PainPro.Ingestion.Http;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Ingestion.Outcomes;

public static class OutcomesEndpoints
{
    public static IEndpointRouteBuilder MapOutcomesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/outcomes/summary", async (string? procedureType, string? from, string? to, OutcomesSummary summary, CancellationToken ct) =>
            DateRange.TryParse(from, to, out var range, out var errors)
                ? Results.Ok(await summary.RunAsync(string.IsNullOrWhiteSpace(procedureType) ? null : procedureType.Trim(), range, ct))
                : Results.ValidationProblem(errors))
            .RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy)
            .WithTags("outcomes");
        return app;
    }
}
