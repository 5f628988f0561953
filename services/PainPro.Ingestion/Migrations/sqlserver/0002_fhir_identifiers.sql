-- The FHIR API's identifiers of an enrollment: the patient's MRN (Patient.identifier, the patient.identifier search)
-- and the procedure's external id (Procedure.identifier). From EnrollmentCreated; enrollments created before it
-- carried them have no row, and their resources reference Patient and Procedure by id only.
CREATE TABLE fhir_identifiers (
    enrollment_id uniqueidentifier PRIMARY KEY,
    mrn           nvarchar(200) NULL,
    external_id   nvarchar(max) NULL
);
CREATE INDEX ix_fhir_identifiers_mrn ON fhir_identifiers (mrn);

-- Patient read and $everything find a patient's enrollments, then their surveys (ix_surveys_enrollment) and alerts.
CREATE INDEX ix_fhir_enrollments_patient ON enrollments (patient_id);
CREATE INDEX ix_fhir_alerts_enrollment ON alerts (enrollment_id);
