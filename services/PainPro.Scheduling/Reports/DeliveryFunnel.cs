using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Scheduling.Reports;

/// <summary>
/// One timepoint of the response funnel: surveys that came <c>Due</c> (past their first send time; cancelled ones
/// aside), were <c>Sent</c> (the provider took the first text or email), <c>Reminded</c> (the provider took a later
/// send too) and <c>Answered</c> (completed). Sending and reminding are Scheduling's facts — it hears every
/// <c>SurveySent</c> — so the funnel is counted here; answers per item live in Ingestion.
/// </summary>
public sealed record FunnelStage(string Timepoint, long Due, long Sent, long Reminded, long Answered, long AnsweredAfterReminder);

/// <summary>How many enrollments of one procedure type are in one status (<c>active</c>, <c>completed</c>, <c>cancelled</c> …).</summary>
public sealed record EnrollmentCount(string ProcedureType, string Status, long Count);

/// <summary>
/// The dashboard's questions to Scheduling, answered as counts (never lists: a health system has tens of thousands of
/// enrollments): <c>GET /api/reports/delivery-funnel</c> and <c>GET /api/reports/enrollments</c>, both
/// <c>?procedureType=&amp;from=&amp;to=</c> on procedure dates, as the dashboard filters.
/// </summary>
public static class DeliveryFunnel
{
    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reports/enrollments", async Task<Results<Ok<List<EnrollmentCount>>, ValidationProblem>> (string? procedureType, string? from, string? to, ReportRollup rollup, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var fromAt = Bound(from, "from", errors);
            var untilAt = Bound(to, "to", errors)?.AddDays(1);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(EnrollmentCounts(await rollup.StatusesAsync(Procedure(procedureType), fromAt, untilAt, ct: ct)));
        }).RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("reports");

        app.MapGet("/api/reports/delivery-funnel", async Task<Results<Ok<List<FunnelStage>>, ValidationProblem>> (string? procedureType, string? from, string? to, ReportRollup rollup, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var fromAt = Bound(from, "from", errors);
            var untilAt = Bound(to, "to", errors)?.AddDays(1);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(Stages(await rollup.FunnelAsync(Procedure(procedureType), fromAt, untilAt, ct: ct)));
        }).RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("reports");
        return app;
    }

    private static string? Procedure(string? procedureType) => string.IsNullOrWhiteSpace(procedureType) ? null : procedureType.Trim();

    /// <summary>Per procedure type and status, summed over the months (the roll-up's and the part months' rows).</summary>
    internal static List<EnrollmentCount> EnrollmentCounts(IEnumerable<StatusCount> rows) =>
    [
        .. rows.GroupBy(r => (r.ProcedureType, r.Status))
            .Select(g => new EnrollmentCount(g.Key.ProcedureType, g.Key.Status, g.Sum(r => r.N)))
            .OrderBy(c => c.ProcedureType, StringComparer.Ordinal).ThenBy(c => c.Status, StringComparer.Ordinal),
    ];

    /// <summary>Per timepoint, in protocol order, summed over the months and procedure types.</summary>
    internal static List<FunnelStage> Stages(IEnumerable<FunnelCount> rows)
    {
        var order = new[] { "baseline", "day3", "month1", "month3" };
        return
        [
            .. rows.GroupBy(r => r.Timepoint)
                .Select(g => new FunnelStage(g.Key, g.Sum(r => r.Due), g.Sum(r => r.Sent), g.Sum(r => r.Reminded), g.Sum(r => r.Answered),
                    g.Sum(r => r.AnsweredAfterReminder)))
                .OrderBy(r => Array.IndexOf(order, r.Timepoint) is var i && i < 0 ? int.MaxValue : i).ThenBy(r => r.Timepoint, StringComparer.Ordinal),
        ];
    }

    /// <summary>A date (yyyy-MM-dd, UTC day); <c>to</c> is inclusive.</summary>
    private static DateTimeOffset? Bound(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 1900 and <= 2200)
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        errors[field] = [$"'{text}' is not a date (yyyy-MM-dd)."];
        return null;
    }
}
