-- Sends the provider cannot take now wait here, never in an error queue: status 'deferred' with the time of the next
-- attempt and why (provider-unavailable | sender-fault | quiet-hours). The row keeps its SurveyDue (request) until it
-- settles, and the survey's window close (expires_at), after which it is reported failed.
ALTER TABLE deliveries ADD next_attempt_at datetimeoffset(7) NULL;
ALTER TABLE deliveries ADD defer_reason nvarchar(max) NULL;
ALTER TABLE deliveries ADD deferrals integer NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD expires_at datetimeoffset(7) NULL;
GO
-- 'retry' rows waited for the bus to redeliver their message; they kept no request, so the deferred-send loop reports
-- them failed (provider-unavailable) at once rather than leave them waiting for nothing.
UPDATE deliveries SET status = 'deferred', next_attempt_at = SYSDATETIMEOFFSET(), defer_reason = 'provider-unavailable' WHERE status = 'retry';
DROP INDEX deliveries_unsettled ON deliveries;
CREATE INDEX deliveries_deferred_due ON deliveries (next_attempt_at) WHERE status = 'deferred';

-- What the provider thinks of our sender, per channel, shared by every replica. 'unavailable' (outage: sends back
-- off one by one) or 'refused' (our account, sender or content: every send is held, one probe now and then).
CREATE TABLE provider_senders (
    channel nvarchar(64) PRIMARY KEY,
    sender nvarchar(max) NOT NULL,
    state nvarchar(max) NOT NULL,
    error_code nvarchar(max) NULL,
    detail nvarchar(max) NULL,
    since datetimeoffset(7) NOT NULL,
    next_probe_at datetimeoffset(7) NULL,
    updated_at datetimeoffset(7) NOT NULL
);

-- Replies to a patient's text that could not be given in the webhook's TwiML (SendSmsReply), idempotent on the
-- command's ReplyId. The body is kept only until the reply settles.
CREATE TABLE sms_replies (
    id uniqueidentifier PRIMARY KEY,
    recipient nvarchar(max) NOT NULL,
    body nvarchar(max) NULL,
    in_reply_to nvarchar(max) NOT NULL,
    -- deferred (waiting for its next attempt) | claimed (provider call in flight) | queued | sent … | failed
    status nvarchar(64) NOT NULL,
    claim_id uniqueidentifier NULL,
    lease_started_at datetimeoffset(7) NULL,
    resumed integer NOT NULL DEFAULT 0,
    next_attempt_at datetimeoffset(7) NULL,
    defer_reason nvarchar(max) NULL,
    deferrals integer NOT NULL DEFAULT 0,
    provider_message_id nvarchar(max) NULL,
    failure_reason nvarchar(max) NULL,
    provider_error_code nvarchar(max) NULL,
    requested_at datetimeoffset(7) NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL,
    sent_at datetimeoffset(7) NULL
);
CREATE INDEX sms_replies_deferred_due ON sms_replies (next_attempt_at) WHERE status = 'deferred';
CREATE INDEX sms_replies_claim_lease ON sms_replies (lease_started_at) WHERE status = 'claimed';
