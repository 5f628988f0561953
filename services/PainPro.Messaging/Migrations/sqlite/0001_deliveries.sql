-- One row per survey send attempt (Attempt 0 = first send, 1.. = reminders). The row is written BEFORE the
-- provider is called, so a redelivered SurveyDue finds it and never texts twice.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    channel TEXT NOT NULL,
    -- The phone or email it went to: needed for suppression and support; never logged.
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL,
    -- claimed (provider call in flight) | retry (provider unavailable, may be claimed again)
    -- | queued | sending | sent | delivered | undelivered | failed
    status TEXT NOT NULL,
    claim_id TEXT NULL,
    claimed_at TEXT NULL,
    provider_message_id TEXT NULL,
    failure_reason TEXT NULL,
    provider_error_code TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT NULL,
    CONSTRAINT deliveries_one_per_attempt UNIQUE (survey_id, attempt)
);
CREATE UNIQUE INDEX deliveries_provider_message ON deliveries (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX deliveries_unsettled ON deliveries (updated_at) WHERE status IN ('claimed', 'retry');

-- Every provider status callback once, in arrival order; a repeated callback is a no-op.
CREATE TABLE delivery_status_events (
    provider_message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider_message_id, status)
);

-- The latest opt-out or opt-in per phone; an older event never overrides a newer one.
CREATE TABLE sms_consent (
    phone TEXT PRIMARY KEY,
    opted_out INTEGER NOT NULL,
    keyword TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

-- Care-team notifications about pain alerts: written by the consumer, sent (and retried) by due work.
CREATE TABLE care_team_notifications (
    id TEXT PRIMARY KEY,
    alert_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    mrn_last4 TEXT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    provider_message_id TEXT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NULL,
    CONSTRAINT care_team_notifications_once UNIQUE (alert_id, kind, severity, channel, recipient)
);
CREATE INDEX care_team_notifications_due ON care_team_notifications (next_attempt_at) WHERE status = 'pending';
