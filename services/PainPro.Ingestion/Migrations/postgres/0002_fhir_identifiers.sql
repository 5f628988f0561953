-- The FHIR API's identifiers of an enrollment: the patient's MRN (Patient.identifier, the patient.identifier search)
-- and the procedure's external id (Procedure.identifier). From EnrollmentCreated; enrollments created before it
-- carried them have no row, and their resources reference Patient and Procedure by id only.
CREATE TABLE fhir_identifiers (
    enrollment_id uuid PRIMARY KEY,
    patient_id    uuid NOT NULL,
    mrn           text NULL,
    external_id   text NULL
);
CREATE INDEX ix_fhir_identifiers_mrn ON fhir_identifiers (mrn);
CREATE INDEX ix_fhir_identifiers_patient ON fhir_identifiers (patient_id);
