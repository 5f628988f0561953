using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion.Fhir;

/// <summary>
/// Keeps the MRN and external id of each enrollment for the FHIR API (identifiers of Patient and Procedure, and the
/// <c>patient.identifier</c> search). A consumer of its own, so the FHIR projection never touches the tables the
/// alert rules and worklists run on.
/// </summary>
public sealed class FhirIdentifiersConsumer(IngestionDb db) : InboxConsumer<EnrollmentCreated>(db)
{
    protected override Task HandleAsync(EnrollmentCreated message, DbSession session, CancellationToken ct) =>
        session.ExecuteAsync(session.Dialect.IsSqlServer
            ? """
              MERGE fhir_identifiers WITH (HOLDLOCK) AS f
              USING (SELECT @EnrollmentId AS enrollment_id, @Mrn AS mrn, @ExternalId AS external_id) AS v ON f.enrollment_id = v.enrollment_id
              WHEN MATCHED THEN UPDATE SET mrn = v.mrn, external_id = v.external_id
              WHEN NOT MATCHED THEN INSERT (enrollment_id, mrn, external_id) VALUES (v.enrollment_id, v.mrn, v.external_id);
              """
            : """
            INSERT INTO fhir_identifiers (enrollment_id, mrn, external_id)
            VALUES (@EnrollmentId, @Mrn, @ExternalId)
            ON CONFLICT (enrollment_id) DO UPDATE SET mrn = excluded.mrn, external_id = excluded.external_id
            """, new { message.EnrollmentId, message.Mrn, message.ExternalId });
}
