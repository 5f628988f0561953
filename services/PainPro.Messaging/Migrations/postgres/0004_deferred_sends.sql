-- Sends the provider cannot take now wait here, never in an error queue: status 'deferred' with the time of the next
-- attempt and why (provider-unavailable | sender-fault | quiet-hours). The row keeps its SurveyDue (request) until it
-- settles, and the survey's window close (expires_at), after which it is reported failed.
ALTER TABLE deliveries ADD COLUMN next_attempt_at timestamptz NULL;
ALTER TABLE deliveries ADD COLUMN defer_reason text NULL;
ALTER TABLE deliveries ADD COLUMN deferrals integer NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN expires_at timestamptz NULL;
-- 'retry' rows waited for the bus to redeliver their message; they kept no request, so the deferred-send loop reports
-- them failed (provider-unavailable) at once rather than leave them waiting for nothing.
UPDATE deliveries SET status = 'deferred', next_attempt_at = now(), defer_reason = 'provider-unavailable' WHERE status = 'retry';
DROP INDEX deliveries_unsettled;
CREATE INDEX deliveries_deferred_due ON deliveries (next_attempt_at) WHERE status = 'deferred';

-- What the provider thinks of our sender, per channel, shared by every replica. 'unavailable' (outage: sends back
-- off one by one) or 'refused' (our account, sender or content: every send is held, one probe now and then).
CREATE TABLE provider_senders (
    channel text PRIMARY KEY,
    sender text NOT NULL,
    state text NOT NULL,
    error_code text NULL,
    detail text NULL,
    since timestamptz NOT NULL,
    next_probe_at timestamptz NULL,
    updated_at timestamptz NOT NULL
);

-- Replies to a patient's text that could not be given in the webhook's TwiML (SendSmsReply), idempotent on the
-- command's ReplyId. The body is kept only until the reply settles.
CREATE TABLE sms_replies (
    id uuid PRIMARY KEY,
    recipient text NOT NULL,
    body text NULL,
    in_reply_to text NOT NULL,
    -- deferred (waiting for its next attempt) | claimed (provider call in flight) | queued | sent … | failed
    status text NOT NULL,
    claim_id uuid NULL,
    lease_started_at timestamptz NULL,
    resumed integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NULL,
    defer_reason text NULL,
    deferrals integer NOT NULL DEFAULT 0,
    provider_message_id text NULL,
    failure_reason text NULL,
    provider_error_code text NULL,
    requested_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sent_at timestamptz NULL
);
CREATE INDEX sms_replies_deferred_due ON sms_replies (next_attempt_at) WHERE status = 'deferred';
CREATE INDEX sms_replies_claim_lease ON sms_replies (lease_started_at) WHERE status = 'claimed';
