using Dapper;
using Microsoft.AspNetCore.Routing;
using PainPro.Ingestion.Alerts;
using PainPro.ServiceDefaults.Security;

namespace PainPro.Ingestion.Auditing;

/// <summary>One staff action or view Ingestion recorded, as the audit API lists it.</summary>
public sealed record StaffActionEntry
{
    public DateTimeOffset At { get; init; }
    public string Actor { get; init; } = "";
    /// <summary>The integration client the person acted through (the Portal), if any.</summary>
    public string? Via { get; init; }
    /// <summary>
    /// <c>viewed-alert</c>, <c>viewed-responses</c>, <c>entered-responses</c>, <c>resubmitted-form</c>, or an action on an
    /// alert: <c>alert.acknowledged</c>, <c>alert.resolved</c>, <c>alert.note</c>, <c>alert.call</c>.
    /// </summary>
    public string Action { get; init; } = "";
    public Guid? PatientId { get; init; }
    public Guid? EnrollmentId { get; init; }
    public Guid? AlertId { get; init; }
    public Guid? SurveyId { get; init; }
    public string? MrnLast4 { get; init; }
    /// <summary>What changed (answers replaced) or the outcome chosen; never a note's text.</summary>
    public string? Detail { get; init; }
}

/// <summary>
/// <c>GET /api/audit/staff-actions?actor=&amp;patientId=&amp;from=&amp;until=&amp;limit=</c>: every staff action on an alert and
/// every view or change of a patient's answers, newest first. For the Portal's audit page (its API key) and administrators.
/// </summary>
public static class AuditEndpoints
{
    public const string AlertActionPrefix = "alert.";

    public static void MapAuditApi(this IEndpointRouteBuilder app) =>
        AuditQuery.MapAuditList<IngestionDb, StaffActionEntry>(app, "/api/audit/staff-actions", ListAsync);

    internal static async Task<IReadOnlyList<StaffActionEntry>> ListAsync(System.Data.Common.DbConnection connection, AuditQuery query)
    {
        var parameters = new DynamicParameters();
        var logged = query.Conditions(parameters, "a.actor", "e.patient_id", "a.at");
        // The same filters by the same parameter names, on the other table's columns.
        var onAlerts = query.Conditions(parameters, "ev.actor", "al.patient_id", "ev.at");
        // T-SQL joins text with +, the others with ||.
        var alertAction = query.Dialect.IsSqlServer ? $"'{AlertActionPrefix}' + ev.action" : $"'{AlertActionPrefix}' || ev.action";
        // Alert history also holds the system's own entries (raised, updated, escalated): only people's actions are audit.
        return (await connection.QueryAsync<StaffActionEntry>(
            $"""
            SELECT * FROM (
                SELECT a.at AS At, a.actor AS Actor, a.via AS Via, a.action AS Action, e.patient_id AS PatientId,
                       a.enrollment_id AS EnrollmentId, a.alert_id AS AlertId, a.survey_id AS SurveyId, e.mrn_last4 AS MrnLast4,
                       a.detail AS Detail
                FROM audit_log a LEFT JOIN enrollments e ON e.id = a.enrollment_id
                WHERE 1 = 1{logged}
                UNION ALL
                SELECT ev.at, ev.actor, ev.via, {alertAction}, al.patient_id,
                       al.enrollment_id, ev.alert_id, ev.survey_id, e.mrn_last4, ev.outcome
                FROM alert_events ev JOIN alerts al ON al.id = ev.alert_id LEFT JOIN enrollments e ON e.id = al.enrollment_id
                WHERE ev.actor <> '{AlertEvent.SystemActor}'{onAlerts}
            ) audit
            ORDER BY At DESC
            {query.Dialect.Limit("@limit")}
            """, parameters)).AsList();
    }
}
