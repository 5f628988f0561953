-- Issue 19: an email's unsubscribe link stops survey emails for the patient (synced from Ingestion, like STOP for texts).
-- A new email address from the EHR clears it, as a new phone number clears an SMS opt-out.
ALTER TABLE patients ADD email_opted_out_at datetimeoffset(7) NULL;
