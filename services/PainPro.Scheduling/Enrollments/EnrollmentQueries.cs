using System.Data.Common;
using Dapper;
using PainPro.Scheduling.Schedule;

using PainPro.ServiceDefaults.Data;
namespace PainPro.Scheduling.Enrollments;

public sealed record ProcedureView(string Type, string BodySite, DateTimeOffset PerformedAt, string Facility, string? Surgeon);

public sealed record BaselineView(int Vas, DateTimeOffset? RecordedAt);

/// <param name="DueAt">The protocol's due time (procedure local date + days, at its local time of day).</param>
/// <param name="SendAt">When the first send was planned, inside the patient's send window.</param>
/// <param name="NextSendAt">The next send (first or reminder) still to go, if any.</param>
/// <param name="LastSentAt">When the provider last took one of its sends (<c>SurveySent</c>), not when it was asked to.</param>
/// <param name="DeliveryReason">Why the latest send waits (<c>deferred</c>: quiet-hours, provider-unavailable, sender-fault) or failed (<c>undelivered</c>).</param>
/// <param name="DeliveryErrorCode">The provider's error code, when it gave one.</param>
/// <param name="NextAttemptAt">When Messaging tries a <c>deferred</c> send again (at the earliest).</param>
public sealed record SurveyView(
    Guid SurveyId,
    string Timepoint,
    DateTimeOffset DueAt,
    DateTimeOffset SendAt,
    DateTimeOffset ClosesAt,
    string[] Instruments,
    string Channel,
    string Status,
    int Attempts,
    DateTimeOffset? LastSentAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? NextSendAt,
    string? DeliveryReason = null,
    string? DeliveryErrorCode = null,
    DateTimeOffset? NextAttemptAt = null);

/// <param name="Status"><c>active</c>, <c>completed</c> (no survey left open) or <c>cancelled</c>.</param>
public sealed record EnrollmentView(
    Guid EnrollmentId,
    string ExternalId,
    Guid PatientId,
    ProcedureView Procedure,
    BaselineView? Baseline,
    string TimeZone,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelledAt,
    string? CancelReason,
    IReadOnlyList<SurveyView> Surveys);

public sealed record EnrollmentListItem(
    Guid EnrollmentId,
    Guid PatientId,
    string ProcedureType,
    string BodySite,
    string Facility,
    DateTimeOffset PerformedAt,
    string Status,
    DateTimeOffset CreatedAt);

public static class EnrollmentStatuses
{
    public const string Active = "active";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    /// <summary>Derived, never stored: an enrollment is active while any of its surveys is still open.</summary>
    public static readonly string Sql =
        $"""
        CASE WHEN e.cancelled_at IS NOT NULL THEN '{Cancelled}'
             WHEN EXISTS (SELECT 1 FROM surveys o WHERE o.enrollment_id = e.id
                          AND o.status IN {SqlDialect.Literals(SurveyStatuses.Open)}) THEN '{Active}'
             ELSE '{Completed}' END
        """;
}

/// <summary>Reads of enrollments and their surveys, shared by the endpoints.</summary>
public static class EnrollmentQueries
{
    public static async Task<EnrollmentView?> GetAsync(DbConnection connection, Guid enrollmentId, DbTransaction? transaction = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<EnrollmentRow>(
            $"""
            SELECT e.id AS Id, e.external_id AS ExternalId, e.patient_id AS PatientId, e.procedure_type AS ProcedureType,
                   e.body_site AS BodySite, e.performed_at AS PerformedAt, e.facility AS Facility, e.surgeon AS Surgeon,
                   e.baseline_vas AS BaselineVas, e.baseline_recorded_at AS BaselineRecordedAt, e.time_zone AS TimeZone,
                   e.created_at AS CreatedAt, e.cancelled_at AS CancelledAt, e.cancel_reason AS CancelReason,
                   {EnrollmentStatuses.Sql} AS Status
            FROM enrollments e WHERE e.id = @enrollmentId
            """, new { enrollmentId }, transaction);
        if (row is null) return null;

        var surveys = await connection.QueryAsync<SurveyRow>(
            """
            SELECT id AS Id, timepoint AS Timepoint, due_at AS DueAt, send_at AS SendAt, closes_at AS ClosesAt,
                   instruments AS Instruments, channel AS Channel, status AS Status, attempts AS Attempts,
                   last_sent_at AS LastSentAt, completed_at AS CompletedAt, next_send_at AS NextSendAt,
                   delivery_reason AS DeliveryReason, delivery_error_code AS DeliveryErrorCode, next_attempt_at AS NextAttemptAt
            FROM surveys WHERE enrollment_id = @enrollmentId
            ORDER BY due_at
            """, new { enrollmentId }, transaction);

        return new EnrollmentView(
            row.Id, row.ExternalId, row.PatientId,
            new ProcedureView(row.ProcedureType, row.BodySite, row.PerformedAt, row.Facility, row.Surgeon),
            row.BaselineVas is { } vas ? new BaselineView(vas, row.BaselineRecordedAt) : null,
            row.TimeZone, row.Status, row.CreatedAt, row.CancelledAt, row.CancelReason,
            surveys.Select(s => new SurveyView(
                s.Id, s.Timepoint, s.DueAt, s.SendAt, s.ClosesAt, SurveyRows.SplitInstruments(s.Instruments), s.Channel,
                s.Status, s.Attempts, s.LastSentAt, s.CompletedAt, s.NextSendAt, s.DeliveryReason, s.DeliveryErrorCode, s.NextAttemptAt)).ToList());
    }

    /// <summary>Enrollments by procedure type and procedure date (inclusive range on <c>performedAt</c>).</summary>
    public static async Task<IReadOnlyList<EnrollmentListItem>> ListAsync(
        DbConnection connection, string? procedureType, DateTimeOffset? from, DateTimeOffset? to)
    {
        // Only the filters given: a NULL parameter has no type PostgreSQL could infer.
        var filters = new List<string>();
        if (procedureType is not null) filters.Add("e.procedure_type = @procedureType");
        if (from is not null) filters.Add("e.performed_at >= @from");
        if (to is not null) filters.Add("e.performed_at <= @to");
        var where = filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters);
        var rows = await connection.QueryAsync<EnrollmentListRow>(
            $"""
            SELECT e.id AS EnrollmentId, e.patient_id AS PatientId, e.procedure_type AS ProcedureType, e.body_site AS BodySite,
                   e.facility AS Facility, e.performed_at AS PerformedAt, e.created_at AS CreatedAt,
                   {EnrollmentStatuses.Sql} AS Status
            FROM enrollments e
            {where}
            ORDER BY e.performed_at, e.id
            """, new { procedureType, from = from ?? default, to = to ?? default });
        return rows.Select(r => new EnrollmentListItem(
            r.EnrollmentId, r.PatientId, r.ProcedureType, r.BodySite, r.Facility, r.PerformedAt, r.Status, r.CreatedAt)).ToList();
    }

    private sealed class EnrollmentRow
    {
        public Guid Id { get; init; }
        public string ExternalId { get; init; } = "";
        public Guid PatientId { get; init; }
        public string ProcedureType { get; init; } = "";
        public string BodySite { get; init; } = "";
        public DateTimeOffset PerformedAt { get; init; }
        public string Facility { get; init; } = "";
        public string? Surgeon { get; init; }
        public int? BaselineVas { get; init; }
        public DateTimeOffset? BaselineRecordedAt { get; init; }
        public string TimeZone { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? CancelledAt { get; init; }
        public string? CancelReason { get; init; }
        public string Status { get; init; } = "";
    }

    private sealed class SurveyRow
    {
        public Guid Id { get; init; }
        public string Timepoint { get; init; } = "";
        public DateTimeOffset DueAt { get; init; }
        public DateTimeOffset SendAt { get; init; }
        public DateTimeOffset ClosesAt { get; init; }
        public string Instruments { get; init; } = "";
        public string Channel { get; init; } = "";
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public DateTimeOffset? LastSentAt { get; init; }
        public DateTimeOffset? CompletedAt { get; init; }
        public DateTimeOffset? NextSendAt { get; init; }
        public string? DeliveryReason { get; init; }
        public string? DeliveryErrorCode { get; init; }
        public DateTimeOffset? NextAttemptAt { get; init; }
    }

    private sealed class EnrollmentListRow
    {
        public Guid EnrollmentId { get; init; }
        public Guid PatientId { get; init; }
        public string ProcedureType { get; init; } = "";
        public string BodySite { get; init; } = "";
        public string Facility { get; init; } = "";
        public DateTimeOffset PerformedAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public string Status { get; init; } = "";
    }
}
