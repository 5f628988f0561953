-- What Messaging reported about a survey's latest send attempt: why it waits (SurveyDeferred: quiet-hours,
-- provider-unavailable, sender-fault) and until when, or why it failed (SurveyDeliveryFailed). A survey is 'queued'
-- from its claim until Messaging reports, 'deferred' while its text waits, 'sent'/'reminded' once the provider took it
-- (SurveySent), 'undelivered' when the attempt failed. delivery_reported_at orders the reports of one attempt.
ALTER TABLE surveys ADD delivery_reason nvarchar(max) NULL;
ALTER TABLE surveys ADD delivery_error_code nvarchar(max) NULL;
ALTER TABLE surveys ADD next_attempt_at datetimeoffset(7) NULL;
ALTER TABLE surveys ADD delivery_reported_at datetimeoffset(7) NULL;
-- The open statuses grew: the expiry scan's partial index follows them (the list in SurveyStatuses.Open).
GO
DROP INDEX surveys_open_until ON surveys;
CREATE INDEX surveys_open_until ON surveys (closes_at) WHERE status IN ('scheduled', 'queued', 'deferred', 'sent', 'reminded', 'undelivered');
