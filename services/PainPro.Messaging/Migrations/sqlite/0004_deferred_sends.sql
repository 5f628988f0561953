-- Sends the provider cannot take now wait here, never in an error queue: status 'deferred' with the time of the next
-- attempt and why (provider-unavailable | sender-fault | quiet-hours). The row keeps its SurveyDue (request) until it
-- settles, and the survey's window close (expires_at), after which it is reported failed.
ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT NULL;
ALTER TABLE deliveries ADD COLUMN defer_reason TEXT NULL;
ALTER TABLE deliveries ADD COLUMN deferrals INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN expires_at TEXT NULL;
-- 'retry' rows waited for the bus to redeliver their message; they kept no request, so the deferred-send loop reports
-- them failed (provider-unavailable) at once rather than leave them waiting for nothing.
UPDATE deliveries SET status = 'deferred', next_attempt_at = strftime('%Y-%m-%dT%H:%M:%f0000+00:00', 'now'),
                      defer_reason = 'provider-unavailable'
WHERE status = 'retry';
DROP INDEX deliveries_unsettled;
CREATE INDEX deliveries_deferred_due ON deliveries (next_attempt_at) WHERE status = 'deferred';

-- What the provider thinks of our sender, per channel, shared by every replica. 'unavailable' (outage: sends back
-- off one by one) or 'refused' (our account, sender or content: every send is held, one probe now and then).
CREATE TABLE provider_senders (
    channel TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    state TEXT NOT NULL,
    error_code TEXT NULL,
    detail TEXT NULL,
    since TEXT NOT NULL,
    next_probe_at TEXT NULL,
    updated_at TEXT NOT NULL
);

-- Replies to a patient's text that could not be given in the webhook's TwiML (SendSmsReply), idempotent on the
-- command's ReplyId. The body is kept only until the reply settles.
CREATE TABLE sms_replies (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    body TEXT NULL,
    in_reply_to TEXT NOT NULL,
    -- deferred (waiting for its next attempt) | claimed (provider call in flight) | queued | sent … | failed
    status TEXT NOT NULL,
    claim_id TEXT NULL,
    lease_started_at TEXT NULL,
    resumed INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NULL,
    defer_reason TEXT NULL,
    deferrals INTEGER NOT NULL DEFAULT 0,
    provider_message_id TEXT NULL,
    failure_reason TEXT NULL,
    provider_error_code TEXT NULL,
    requested_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT NULL
);
CREATE INDEX sms_replies_deferred_due ON sms_replies (next_attempt_at) WHERE status = 'deferred';
CREATE INDEX sms_replies_claim_lease ON sms_replies (lease_started_at) WHERE status = 'claimed';
