using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion.Enrollments;

/// <summary>
/// Keeps what Ingestion needs to know about an enrollment: the clinic baseline the alert rules compare with,
/// and the procedure, site, facility and surgeon the worklist and the outcomes summary filter on.
/// </summary>
public sealed class EnrollmentCreatedConsumer(IngestionDb db) : InboxConsumer<EnrollmentCreated>(db)
{
    // A clinic baseline wins; without one, a baseline already answered by survey (if the survey overtook
    // this message) is kept.
    private static string Upsert(SqlDialect dialect) => dialect.IsSqlServer
        ? """
          MERGE enrollments WITH (HOLDLOCK) AS e
          USING (SELECT @EnrollmentId AS id, @PatientId AS patient_id, @ProcedureType AS procedure_type, @BodySite AS body_site,
                        @Facility AS facility, @PerformedAt AS performed_at, @MrnLast4 AS mrn_last4, @BaselineVas AS baseline_vas,
                        @BaselineRecordedAt AS baseline_recorded_at, @BaselineSource AS baseline_source, @Surgeon AS surgeon) AS v
          ON e.id = v.id
          WHEN MATCHED THEN UPDATE SET
              patient_id = v.patient_id,
              procedure_type = v.procedure_type,
              body_site = v.body_site,
              facility = v.facility,
              performed_at = v.performed_at,
              mrn_last4 = v.mrn_last4,
              surgeon = v.surgeon,
              baseline_vas = COALESCE(v.baseline_vas, e.baseline_vas),
              baseline_recorded_at = CASE WHEN v.baseline_vas IS NULL THEN e.baseline_recorded_at ELSE v.baseline_recorded_at END,
              baseline_source = COALESCE(v.baseline_source, e.baseline_source)
          WHEN NOT MATCHED THEN INSERT (id, patient_id, procedure_type, body_site, facility, performed_at, mrn_last4,
                                        baseline_vas, baseline_recorded_at, baseline_source, created_at, surgeon)
              VALUES (v.id, v.patient_id, v.procedure_type, v.body_site, v.facility, v.performed_at, v.mrn_last4,
                      v.baseline_vas, v.baseline_recorded_at, v.baseline_source, @Now, v.surgeon);
          """
        : """
        INSERT INTO enrollments (id, patient_id, procedure_type, body_site, facility, performed_at, mrn_last4,
                                 baseline_vas, baseline_recorded_at, baseline_source, created_at, surgeon)
        VALUES (@EnrollmentId, @PatientId, @ProcedureType, @BodySite, @Facility, @PerformedAt, @MrnLast4,
                @BaselineVas, @BaselineRecordedAt, @BaselineSource, @Now, @Surgeon)
        ON CONFLICT (id) DO UPDATE SET
            patient_id = excluded.patient_id,
            procedure_type = excluded.procedure_type,
            body_site = excluded.body_site,
            facility = excluded.facility,
            performed_at = excluded.performed_at,
            mrn_last4 = excluded.mrn_last4,
            surgeon = excluded.surgeon,
            baseline_vas = COALESCE(excluded.baseline_vas, enrollments.baseline_vas),
            baseline_recorded_at = CASE WHEN excluded.baseline_vas IS NULL THEN enrollments.baseline_recorded_at ELSE excluded.baseline_recorded_at END,
            baseline_source = COALESCE(excluded.baseline_source, enrollments.baseline_source)
        """;

    protected override Task HandleAsync(EnrollmentCreated message, DbSession session, CancellationToken ct) => ApplyAsync(message, session);

    /// <summary>The effect of one message, inside the caller's transaction.</summary>
    internal Task ApplyAsync(EnrollmentCreated message, DbSession session)
    {
        var now = session.Clock.GetUtcNow();
        return session.ExecuteAsync(Upsert(session.Dialect), new
        {
            message.EnrollmentId,
            message.PatientId,
            message.ProcedureType,
            message.BodySite,
            message.Facility,
            message.PerformedAt,
            message.MrnLast4,
            message.BaselineVas,
            BaselineRecordedAt = message.BaselineVas is null ? (DateTimeOffset?)null : message.BaselineRecordedAt ?? now,
            BaselineSource = message.BaselineVas is null ? null : BaselineSources.Clinic,
            Now = now,
            Surgeon = string.IsNullOrWhiteSpace(message.Surgeon) ? null : message.Surgeon.Trim(),
        });
    }
}

public static class BaselineSources
{
    public const string Clinic = "clinic";
    public const string Survey = "survey";
}
