using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PainPro.Ingestion.Auditing;
using PainPro.Ingestion.Http;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Ingestion.Outcomes;

public static class OutcomesEndpoints
{
    /// <summary>What the audit log calls a download of the de-identified extract.</summary>
    public const string ExportedExtract = "exported-extract";

    public static IEndpointRouteBuilder MapOutcomesApi(this IEndpointRouteBuilder app)
    {
        var outcomes = app.MapGroup("/api/outcomes").RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("outcomes");
        outcomes.MapGet("/summary", async Task<Results<Ok<IReadOnlyList<TimepointSummary>>, ValidationProblem>> (string? procedureType, string? from, string? to, OutcomesSummary summary, CancellationToken ct) =>
            DateRange.TryParse(from, to, out var range, out var errors)
                ? TypedResults.Ok(await summary.RunAsync(Blank(procedureType), range, ct))
                : TypedResults.ValidationProblem(errors));

        // groupsByPeriod=false: facilities, surgeons and procedure types over the whole range only (what the dashboard draws).
        outcomes.MapGet("/trends", async Task<Results<Ok<OutcomeTrendsView>, ValidationProblem>> (string? procedureType, string? from, string? to, string? period,
            bool? groupsByPeriod, OutcomeTrends trends, CancellationToken ct) =>
        {
            if (!DateRange.TryParse(from, to, out var range, out var errors)) return TypedResults.ValidationProblem(errors);
            if (period is not null && period != OutcomeTrends.Month && period != OutcomeTrends.Quarter)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["period"] = ["Use month or quarter."] });
            return TypedResults.Ok(await trends.RunAsync(Blank(procedureType), range, period ?? OutcomeTrends.Month, ct,
                groupsByPeriod: groupsByPeriod ?? true));
        });

        // The extract carries every enrollment's answers: who downloaded it, and for which filter, is audited.
        outcomes.MapGet("/extract", async Task<Results<FileContentHttpResult, ValidationProblem>> (string? procedureType, string? from, string? to, PatientExtract extract, IngestionDb db,
            HttpContext http, CancellationToken ct) =>
        {
            if (!DateRange.TryParse(from, to, out var range, out var errors)) return TypedResults.ValidationProblem(errors);
            var actor = StaffActor.From(http);
            await db.InTransactionAsync(session => AuditLog.RecordAsync(session, actor.Name, actor.Via, ExportedExtract,
                detail: $"procedureType={procedureType ?? "all"} from={from ?? "start"} to={to ?? "now"}"), ct);
            var csv = await extract.RunAsync(Blank(procedureType), range, ct);
            return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "painpro-extract.csv");
        }).Produces<string>(StatusCodes.Status200OK, "text/csv");
        return app;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
