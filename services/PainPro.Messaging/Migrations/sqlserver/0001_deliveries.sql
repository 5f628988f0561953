-- One row per survey send attempt (Attempt 0 = first send, 1.. = reminders). The row is written BEFORE the
-- provider is called, so a redelivered SurveyDue finds it and never texts twice.
CREATE TABLE deliveries (
    id uniqueidentifier PRIMARY KEY,
    survey_id uniqueidentifier NOT NULL,
    attempt integer NOT NULL,
    channel nvarchar(max) NOT NULL,
    -- The phone or email it went to: needed for suppression and support; never logged.
    recipient nvarchar(max) NOT NULL,
    locale nvarchar(max) NOT NULL,
    -- claimed (provider call in flight) | retry (provider unavailable, may be claimed again)
    -- | queued | sending | sent | delivered | undelivered | failed
    status nvarchar(64) NOT NULL,
    claim_id uniqueidentifier NULL,
    claimed_at datetimeoffset(7) NULL,
    provider_message_id nvarchar(200) NULL,
    failure_reason nvarchar(max) NULL,
    provider_error_code nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL,
    sent_at datetimeoffset(7) NULL,
    CONSTRAINT deliveries_one_per_attempt UNIQUE (survey_id, attempt)
);
CREATE UNIQUE INDEX deliveries_provider_message ON deliveries (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX deliveries_unsettled ON deliveries (updated_at) WHERE status IN ('claimed', 'retry');

-- Every provider status callback once, in arrival order; a repeated callback is a no-op.
CREATE TABLE delivery_status_events (
    provider_message_id nvarchar(200) NOT NULL,
    status nvarchar(64) NOT NULL,
    error_code nvarchar(max) NULL,
    received_at datetimeoffset(7) NOT NULL,
    PRIMARY KEY (provider_message_id, status)
);

-- The latest opt-out or opt-in per phone; an older event never overrides a newer one.
CREATE TABLE sms_consent (
    phone nvarchar(200) PRIMARY KEY,
    opted_out bit NOT NULL,
    keyword nvarchar(max) NOT NULL,
    changed_at datetimeoffset(7) NOT NULL
);

-- Care-team notifications about pain alerts: written by the consumer, sent (and retried) by due work.
CREATE TABLE care_team_notifications (
    id uniqueidentifier PRIMARY KEY,
    alert_id uniqueidentifier NOT NULL,
    kind nvarchar(64) NOT NULL,
    severity nvarchar(64) NOT NULL,
    mrn_last4 nvarchar(max) NULL,
    channel nvarchar(64) NOT NULL,
    recipient nvarchar(320) NOT NULL,
    status nvarchar(64) NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at datetimeoffset(7) NOT NULL,
    provider_message_id nvarchar(max) NULL,
    last_error nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    sent_at datetimeoffset(7) NULL,
    CONSTRAINT care_team_notifications_once UNIQUE (alert_id, kind, severity, channel, recipient)
);
CREATE INDEX care_team_notifications_due ON care_team_notifications (next_attempt_at) WHERE status = 'pending';
