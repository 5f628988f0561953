-- Patients' messages (issue 20): a text that is neither an answer nor a keyword is shown to staff. for_staff says how:
-- 'message' (words a person must read: on the worklist as a patient-message alert) or 'small-talk' (only numbers,
-- "ok", "thanks": listed, no alert); NULL for answers and keywords. urgent_words: the urgency words found (the alert is
-- then high). enrollment_id: the enrollment the phone's survey belongs to (NULL for a number PainPro does not know);
-- alert_id: the alert it raised or was added to.
ALTER TABLE inbound_sms ADD for_staff nvarchar(200) NULL;
ALTER TABLE inbound_sms ADD urgent_words nvarchar(max) NULL;
ALTER TABLE inbound_sms ADD enrollment_id uniqueidentifier NULL;
ALTER TABLE inbound_sms ADD alert_id uniqueidentifier NULL;
GO
-- The Portal's "messages from patients" list, newest first, and a patient's page, per enrollment.
CREATE INDEX ix_inbound_sms_for_staff ON inbound_sms (received_at) WHERE for_staff IS NOT NULL;
CREATE INDEX ix_inbound_sms_enrollment ON inbound_sms (enrollment_id, received_at) WHERE for_staff IS NOT NULL;
