-- Enrollments as Ingestion needs them: what alert rules, worklists and the outcomes summary filter and compare on.
CREATE TABLE enrollments (
    id                   uuid PRIMARY KEY,
    patient_id           uuid NOT NULL,
    procedure_type       text NOT NULL,
    body_site            text NOT NULL,
    facility             text NOT NULL,
    performed_at         timestamptz NOT NULL,
    mrn_last4            text NULL,
    baseline_vas         integer NULL,
    baseline_recorded_at timestamptz NULL,
    baseline_source      text NULL,            -- clinic | survey
    created_at           timestamptz NOT NULL
);
CREATE INDEX ix_enrollments_procedure ON enrollments (procedure_type, performed_at);

-- One row per survey Scheduling sent (SurveyDue opens it, reminders refresh it). Scores are kept current
-- with every answer so the summary and the alert rules read them in SQL.
CREATE TABLE surveys (
    id               uuid PRIMARY KEY,
    enrollment_id    uuid NOT NULL,
    patient_id       uuid NOT NULL,
    timepoint        text NOT NULL,
    instruments      text NOT NULL,            -- comma-separated instrument codes
    items            text NOT NULL,            -- comma-separated item codes, in asking order
    channel          text NOT NULL,
    locale           text NOT NULL,
    phone            text NULL,                -- normalised; the phone the survey may be answered from
    token_hash       text NULL,                -- lowercase hex SHA-256 of the link token: what a visit is looked up by
    token_protected  text NULL,                -- the token encrypted with ASP.NET Core Data Protection, to link to it from a text
    expires_at       timestamptz NOT NULL,
    attempt          integer NOT NULL,
    status           text NOT NULL,            -- open | completed | expired
    opened_at        timestamptz NOT NULL,
    refreshed_at     timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    completed_at     timestamptz NULL,
    expired_at       timestamptz NULL,
    vas              integer NULL,
    analgesic_change text NULL,
    msts_total       integer NULL,
    consensus_class  text NULL
);
CREATE UNIQUE INDEX ux_surveys_token_hash ON surveys (token_hash);
CREATE INDEX ix_surveys_phone ON surveys (phone, status, opened_at);
CREATE INDEX ix_surveys_enrollment ON surveys (enrollment_id, timepoint);

-- The current answer per survey item; replaced answers are kept in response_changes.
CREATE TABLE responses (
    survey_id     uuid NOT NULL,
    item          text NOT NULL,
    enrollment_id uuid NOT NULL,
    value         integer NOT NULL,
    source        text NOT NULL,               -- sms | web | staff
    answered_at   timestamptz NOT NULL,
    entered_by    text NULL,                   -- the staff member, for staff-entered answers
    PRIMARY KEY (survey_id, item)
);
CREATE INDEX ix_responses_enrollment ON responses (enrollment_id, answered_at);

CREATE TABLE response_changes (
    id         uuid PRIMARY KEY,
    survey_id  uuid NOT NULL,
    item       text NOT NULL,
    old_value  integer NOT NULL,
    new_value  integer NOT NULL,
    source     text NOT NULL,
    changed_by text NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX ix_response_changes_survey ON response_changes (survey_id);

-- Inbound texts, stored before they are handled; the reply is kept so a repeat is answered identically.
CREATE TABLE inbound_sms (
    message_sid text PRIMARY KEY,
    from_phone  text NOT NULL,
    body        text NOT NULL,
    received_at timestamptz NOT NULL,
    deliveries  integer NOT NULL DEFAULT 1,
    survey_id   uuid NULL,
    outcome     text NULL,
    reply       text NULL,
    handled_at  timestamptz NULL
);

CREATE TABLE alerts (
    id              uuid PRIMARY KEY,
    enrollment_id   uuid NOT NULL,
    patient_id      uuid NOT NULL,
    survey_id       uuid NOT NULL,             -- the survey of the latest evidence
    timepoint       text NOT NULL,
    rules           text NOT NULL,             -- comma-separated rule codes
    severity        text NOT NULL,
    summary         text NOT NULL,
    consensus_class text NULL,
    status          text NOT NULL,             -- open | acknowledged | resolved
    raised_at       timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    high_since      timestamptz NULL,
    escalated_at    timestamptz NULL,
    acknowledged_at timestamptz NULL,
    acknowledged_by text NULL,
    resolved_at     timestamptz NULL,
    resolved_by     text NULL,
    outcome         text NULL,
    resolution_note text NULL
);
-- One unresolved alert per enrollment: new evidence updates it instead of stacking duplicates.
CREATE UNIQUE INDEX ux_alerts_one_unresolved ON alerts (enrollment_id) WHERE status <> 'resolved';
CREATE INDEX ix_alerts_status ON alerts (status, updated_at);
CREATE INDEX ix_alerts_escalation ON alerts (severity, status, high_since);

-- The alert's history: every evidence update and every staff action, who and when.
CREATE TABLE alert_events (
    id        uuid PRIMARY KEY,
    alert_id  uuid NOT NULL,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,                   -- "system" or the staff user
    via       text NULL,                       -- the integration client the staff user acted through
    action    text NOT NULL,                   -- raised | updated | escalated | acknowledged | resolved | note | call
    survey_id uuid NULL,
    severity  text NULL,
    rules     text NULL,
    summary   text NULL,
    outcome   text NULL,
    note      text NULL
);
CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, at);

-- Views of patient data and changes to answers made by staff or by a resubmitted form.
CREATE TABLE audit_log (
    id            uuid PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor         text NOT NULL,
    via           text NULL,
    action        text NOT NULL,
    enrollment_id uuid NULL,
    survey_id     uuid NULL,
    alert_id      uuid NULL,
    detail        text NULL
);
CREATE INDEX ix_audit_log_enrollment ON audit_log (enrollment_id, at);
