using System.Text;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PainPro.Ingestion.Auditing;
using PainPro.Ingestion.Enrollments;
using PainPro.Ingestion.Surveys;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Ingestion.Sms;

/// <summary>
/// A text a patient wrote that was neither an answer nor a keyword, as staff see it. <c>Kind</c> is <c>message</c>
/// (on the worklist as a <c>patient-message</c> alert, <c>AlertId</c>) or <c>small-talk</c> (only "ok", "thanks",
/// numbers: listed, no alert). <c>UrgentWords</c> are the words that made its alert high. <c>Phone</c> is given only for a
/// number PainPro has no survey for (no <c>EnrollmentId</c>): then it is the only way to call back.
/// </summary>
public sealed record PatientMessageView
{
    public string MessageSid { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string Body { get; init; } = "";
    public string Kind { get; init; } = "";
    public IReadOnlyList<string> UrgentWords { get; init; } = [];
    public string? Reply { get; init; }
    public Guid? EnrollmentId { get; init; }
    public Guid? PatientId { get; init; }
    public string? MrnLast4 { get; init; }
    public string? Facility { get; init; }
    public string? Timepoint { get; init; }
    public Guid? AlertId { get; init; }
    public string? AlertStatus { get; init; }
    public string? AlertSeverity { get; init; }
    public string? Phone { get; init; }

    /// <summary>As stored (comma-separated); <see cref="UrgentWords"/> is what the API shows.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? UrgentWordList { get; init; }
}

/// <summary>
/// <c>GET /api/patient-messages</c> (every text shown to staff, newest first; <c>kind</c>, <c>urgent</c>, paging) and
/// <c>GET /api/enrollments/{id}/messages</c> (an enrollment's). Both are audited as views of patient data.
/// </summary>
public static class PatientMessageEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 500;

    private const string Select = """
        SELECT i.message_sid AS MessageSid, i.received_at AS ReceivedAt, i.body AS Body, i.for_staff AS Kind,
               i.urgent_words AS UrgentWordList, i.reply AS Reply, i.enrollment_id AS EnrollmentId,
               COALESCE(e.patient_id, a.patient_id) AS PatientId, e.mrn_last4 AS MrnLast4, e.facility AS Facility,
               a.timepoint AS Timepoint, i.alert_id AS AlertId, a.status AS AlertStatus, a.severity AS AlertSeverity,
               CASE WHEN i.enrollment_id IS NULL THEN i.from_phone ELSE NULL END AS Phone
        FROM inbound_sms i
        LEFT JOIN enrollments e ON e.id = i.enrollment_id
        LEFT JOIN alerts a ON a.id = i.alert_id
        """;

    public static IEndpointRouteBuilder MapPatientMessageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/patient-messages", ListAsync).RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("patient-messages");
        app.MapGet("/api/enrollments/{id:guid}/messages", ForEnrollmentAsync)
            .RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("patient-messages");
        return app;
    }

    private static async Task<IResult> ListAsync(IngestionDb db, SurveyLinks links, HttpContext http, string? kind, bool? urgent,
        int? limit, int? offset, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (kind is not null && kind is not (PatientMessageKinds.Message or PatientMessageKinds.SmallTalk))
            errors["kind"] = [$"Use {PatientMessageKinds.Message} or {PatientMessageKinds.SmallTalk}."];
        if (limit is < 1 or > MaxLimit) errors["limit"] = [$"Use 1 to {MaxLimit}."];
        if (offset is < 0) errors["offset"] = ["Use 0 or more."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var where = new StringBuilder("WHERE i.for_staff IS NOT NULL");
        if (kind is not null) where.Append(" AND i.for_staff = @kind");
        if (urgent is true) where.Append(" AND i.urgent_words IS NOT NULL");
        if (urgent is false) where.Append(" AND i.urgent_words IS NULL");
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync(async session =>
        {
            var rows = await session.QueryAsync<PatientMessageView>($"""
                {Select} {where}
                ORDER BY i.received_at DESC, i.message_sid DESC LIMIT @limit OFFSET @offset
                """, new { kind, limit = limit ?? DefaultLimit, offset = offset ?? 0 });
            await AuditLog.RecordAsync(session, actor.Name, actor.Via, AuditLog.ViewedMessages, detail: "patient messages list");
            return Results.Ok(rows.Select(r => Readable(r, links)).ToList());
        }, ct);
    }

    private static async Task<IResult> ForEnrollmentAsync(Guid id, IngestionDb db, SurveyLinks links, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync(async session =>
        {
            if (await KnownEnrollments.NotFoundUnlessKnownAsync(session, id) is { } notFound) return notFound;
            var rows = await session.QueryAsync<PatientMessageView>($"""
                {Select} WHERE i.for_staff IS NOT NULL AND i.enrollment_id = @id
                ORDER BY i.received_at DESC, i.message_sid DESC
                """, new { id });
            await AuditLog.RecordAsync(session, actor.Name, actor.Via, AuditLog.ViewedMessages, enrollmentId: id);
            return Results.Ok(rows.Select(r => Readable(r, links)).ToList());
        }, ct);
    }

    private static PatientMessageView Readable(PatientMessageView row, SurveyLinks links) => row with
    {
        UrgentWords = row.UrgentWordList?.Split(", ", StringSplitOptions.RemoveEmptyEntries) ?? [],
        UrgentWordList = null,
        Reply = row.Reply is null ? null : links.RevealReply(row.Reply),
    };
}
