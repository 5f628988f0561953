-- Worklist as a work queue (issue 19). "Assign to me": the nurse calling the patient, shown to the others.
ALTER TABLE alerts ADD assigned_to nvarchar(max) NULL;
ALTER TABLE alerts ADD assigned_at datetimeoffset(7) NULL;
GO
-- The worklist filters, sorts, pages and counts unresolved alerts in SQL; resolved ones (most of the table, in time)
-- stay out of the index.
CREATE INDEX ix_alerts_unresolved ON alerts (severity, raised_at) WHERE status <> 'resolved';
-- The dashboard's time to acknowledge and alerts per period read alerts by when they were raised.
CREATE INDEX ix_alerts_raised ON alerts (raised_at);

-- The surgeon of each enrollment, from EnrollmentCreated, for the dashboard's breakdowns and funnel plot.
-- Enrollments that arrived before this column have none (shown as "surgeon not recorded").
ALTER TABLE enrollments ADD surgeon nvarchar(max) NULL;
GO
-- Dashboard periods over every procedure type: enrollments by procedure time.
CREATE INDEX ix_enrollments_performed ON enrollments (performed_at);

-- The key of the de-identified extract's pseudonyms (HMAC-SHA256 of the patient id) when none is configured:
-- made once per deployment, so a patient keeps one pseudonym across extracts.
CREATE TABLE pseudonym_keys (
    id         integer PRIMARY KEY,
    key_base64 nvarchar(max) NOT NULL,
    created_at datetimeoffset(7) NOT NULL
);
