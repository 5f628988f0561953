using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        outcomes.MapGet("/summary", async (string? procedureType, string? from, string? to, OutcomesSummary summary, CancellationToken ct) =>
            DateRange.TryParse(from, to, out var range, out var errors)
                ? Results.Ok(await summary.RunAsync(Blank(procedureType), range, ct))
                : Results.ValidationProblem(errors));

        outcomes.MapGet("/trends", async (string? procedureType, string? from, string? to, string? period, OutcomeTrends trends, CancellationToken ct) =>
        {
            if (!DateRange.TryParse(from, to, out var range, out var errors)) return Results.ValidationProblem(errors);
            if (period is not null && period != OutcomeTrends.Month && period != OutcomeTrends.Quarter)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["period"] = ["Use month or quarter."] });
            return Results.Ok(await trends.RunAsync(Blank(procedureType), range, period ?? OutcomeTrends.Month, ct));
        });

        // The extract carries every enrollment's answers: who downloaded it, and for which filter, is audited.
        outcomes.MapGet("/extract", async (string? procedureType, string? from, string? to, PatientExtract extract, IngestionDb db,
            HttpContext http, CancellationToken ct) =>
        {
            if (!DateRange.TryParse(from, to, out var range, out var errors)) return Results.ValidationProblem(errors);
            var actor = StaffActor.From(http);
            await db.InTransactionAsync(session => AuditLog.RecordAsync(session, actor.Name, actor.Via, ExportedExtract,
                detail: $"procedureType={procedureType ?? "all"} from={from ?? "start"} to={to ?? "now"}"), ct);
            var csv = await extract.RunAsync(Blank(procedureType), range, ct);
            return Results.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "painpro-extract.csv");
        });
        return app;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
