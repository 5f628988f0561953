using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        app.MapGet("/api/reports/enrollments", async (string? procedureType, string? from, string? to, SchedulingDb db, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var fromAt = Bound(from, "from", errors);
            var untilAt = Bound(to, "to", errors)?.AddDays(1);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var where = Where(procedureType, fromAt, untilAt, "WHERE 1 = 1");
            var rows = await db.ReadAsync(c => c.QueryAsync<EnrollmentCount>($"""
                SELECT procedure_type AS ProcedureType, status AS Status, COUNT(*) AS Count
                FROM (SELECT e.procedure_type, {Enrollments.EnrollmentStatuses.Sql} AS status FROM enrollments e {where}) counted
                GROUP BY procedure_type, status
                ORDER BY procedure_type, status
                """, new { procedureType = procedureType?.Trim(), fromAt, untilAt }), ct);
            return Results.Ok(rows.ToList());
        }).RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("reports");

        app.MapGet("/api/reports/delivery-funnel", async (string? procedureType, string? from, string? to, SchedulingDb db, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var fromAt = Bound(from, "from", errors);
            var untilAt = Bound(to, "to", errors)?.AddDays(1);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var where = Where(procedureType, fromAt, untilAt, "WHERE s.status <> 'cancelled'");
            var rows = await db.ReadAsync(c => c.QueryAsync<FunnelStage>($"""
                SELECT s.timepoint AS Timepoint,
                       SUM(CASE WHEN s.status <> 'scheduled' THEN 1 ELSE 0 END) AS Due,
                       SUM(CASE WHEN s.first_sent_at IS NOT NULL THEN 1 ELSE 0 END) AS Sent,
                       SUM(CASE WHEN s.last_sent_at > s.first_sent_at THEN 1 ELSE 0 END) AS Reminded,
                       SUM(CASE WHEN s.status = 'completed' THEN 1 ELSE 0 END) AS Answered,
                       SUM(CASE WHEN s.status = 'completed' AND s.last_sent_at > s.first_sent_at THEN 1 ELSE 0 END) AS AnsweredAfterReminder
                FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
                {where}
                GROUP BY s.timepoint
                """, new { procedureType = procedureType?.Trim(), fromAt, untilAt }), ct);
            var order = new[] { "baseline", "day3", "month1", "month3" };
            return Results.Ok(rows.OrderBy(r => Array.IndexOf(order, r.Timepoint) is var i && i < 0 ? int.MaxValue : i).ThenBy(r => r.Timepoint).ToList());
        }).RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("reports");
        return app;
    }

    private static string Where(string? procedureType, DateTimeOffset? fromAt, DateTimeOffset? untilAt, string start)
    {
        var where = new StringBuilder(start);
        if (!string.IsNullOrWhiteSpace(procedureType)) where.Append(" AND e.procedure_type = @procedureType");
        if (fromAt is not null) where.Append(" AND e.performed_at >= @fromAt");
        if (untilAt is not null) where.Append(" AND e.performed_at < @untilAt");
        return where.ToString();
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
