-- One row per survey send attempt (Attempt 0 = first send, 1.. = reminders). The row is written BEFORE the
-- provider is called, so a redelivered SurveyDue finds it and never texts twice.
CREATE TABLE deliveries (
    id uuid PRIMARY KEY,
    survey_id uuid NOT NULL,
    attempt integer NOT NULL,
    channel text NOT NULL,
    -- The phone or email it went to: needed for suppression and support; never logged.
    recipient text NOT NULL,
    locale text NOT NULL,
    -- claimed (provider call in flight) | retry (provider unavailable, may be claimed again)
    -- | queued | sending | sent | delivered | undelivered | failed
    status text NOT NULL,
    claim_id uuid NULL,
    claimed_at timestamptz NULL,
    provider_message_id text NULL,
    failure_reason text NULL,
    provider_error_code text NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sent_at timestamptz NULL,
    CONSTRAINT deliveries_one_per_attempt UNIQUE (survey_id, attempt)
);
CREATE UNIQUE INDEX deliveries_provider_message ON deliveries (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX deliveries_unsettled ON deliveries (updated_at) WHERE status IN ('claimed', 'retry');

-- Every provider status callback once, in arrival order; a repeated callback is a no-op.
CREATE TABLE delivery_status_events (
    provider_message_id text NOT NULL,
    status text NOT NULL,
    error_code text NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (provider_message_id, status)
);

-- The latest opt-out or opt-in per phone; an older event never overrides a newer one.
CREATE TABLE sms_consent (
    phone text PRIMARY KEY,
    opted_out boolean NOT NULL,
    keyword text NOT NULL,
    changed_at timestamptz NOT NULL
);

-- Care-team notifications about pain alerts: written by the consumer, sent (and retried) by due work.
CREATE TABLE care_team_notifications (
    id uuid PRIMARY KEY,
    alert_id uuid NOT NULL,
    kind text NOT NULL,
    severity text NOT NULL,
    mrn_last4 text NULL,
    channel text NOT NULL,
    recipient text NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    provider_message_id text NULL,
    last_error text NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz NULL,
    CONSTRAINT care_team_notifications_once UNIQUE (alert_id, kind, severity, channel, recipient)
);
CREATE INDEX care_team_notifications_due ON care_team_notifications (next_attempt_at) WHERE status = 'pending';
