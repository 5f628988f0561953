using Dapper;
using Microsoft.AspNetCore.Routing;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Security;

namespace PainPro.Scheduling.Patients;

/// <param name="Name">The person (staff user name) or, without one, the integration client.</param>
/// <param name="Client">The API key's client name when the request came with one.</param>
public sealed record Viewer(string Name, string? Client);

/// <summary>One recorded view of a patient, as the audit API lists it.</summary>
public sealed record PatientViewEntry
{
    public DateTimeOffset At { get; init; }
    public string Actor { get; init; } = "";
    /// <summary>The integration client the person looked through (the Portal), if any.</summary>
    public string? Via { get; init; }
    /// <summary><c>search</c> (listed in search results), <c>list</c> (named on the worklist) or <c>view</c> (the patient's page).</summary>
    public string Action { get; init; } = "";
    public Guid PatientId { get; init; }
    /// <summary>The patient's MRN, so an auditor can name whom the view was of.</summary>
    public string? Mrn { get; init; }
}

/// <summary>Every view of a patient, kept in <c>patient_views</c> (DESIGN §8), and the API the Portal's audit page reads.</summary>
public static class PatientViewAudit
{
    public const string Search = "search";
    public const string View = "view";

    /// <summary>Named beside an alert on the worklist (<c>POST /api/patients/lookup</c>).</summary>
    public const string List = "list";

    public static Task RecordAsync(DbSession session, IEnumerable<Guid> patientIds, string action, Viewer viewer)
    {
        var at = session.Clock.GetUtcNow();
        var rows = patientIds.Select(patientId => new
        {
            Id = Guid.CreateVersion7(), PatientId = patientId, Action = action, ViewedBy = viewer.Name, viewer.Client, At = at,
        }).ToList();
        return rows.Count == 0
            ? Task.CompletedTask
            : session.ExecuteAsync(
                "INSERT INTO patient_views (id, patient_id, action, viewed_by, client, viewed_at) VALUES (@Id, @PatientId, @Action, @ViewedBy, @Client, @At)",
                rows);
    }

    /// <summary>
    /// <c>GET /api/audit/patient-views?actor=&amp;patientId=&amp;from=&amp;until=&amp;limit=</c>: who looked at which patient,
    /// newest first. For the Portal's audit page (its API key) and administrators.
    /// </summary>
    public static void MapPatientViewAudit(this IEndpointRouteBuilder app) =>
        AuditQuery.MapAuditList<SchedulingDb, PatientViewEntry>(app, "/api/audit/patient-views", ListAsync);

    internal static async Task<IReadOnlyList<PatientViewEntry>> ListAsync(System.Data.Common.DbConnection connection, AuditQuery query)
    {
        var parameters = new DynamicParameters();
        var conditions = query.Conditions(parameters, "v.viewed_by", "v.patient_id", "v.viewed_at");
        return (await connection.QueryAsync<PatientViewEntry>(
            $"""
            SELECT v.viewed_at AS At, v.viewed_by AS Actor, v.client AS Via, v.action AS Action, v.patient_id AS PatientId, p.mrn AS Mrn
            FROM patient_views v LEFT JOIN patients p ON p.id = v.patient_id
            WHERE 1 = 1{conditions}
            ORDER BY v.viewed_at DESC, v.id DESC
            {query.Dialect.Limit("@limit")}
            """, parameters)).AsList();
    }
}
