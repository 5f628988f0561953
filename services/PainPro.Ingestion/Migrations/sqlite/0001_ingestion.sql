-- Enrollments as Ingestion needs them: what alert rules, worklists and the outcomes summary filter and compare on.
CREATE TABLE enrollments (
    id                   TEXT PRIMARY KEY,
    patient_id           TEXT NOT NULL,
    procedure_type       TEXT NOT NULL,
    body_site            TEXT NOT NULL,
    facility             TEXT NOT NULL,
    performed_at         TEXT NOT NULL,
    mrn_last4            TEXT NULL,
    baseline_vas         INTEGER NULL,
    baseline_recorded_at TEXT NULL,
    baseline_source      TEXT NULL,            -- clinic | survey
    created_at           TEXT NOT NULL
);
CREATE INDEX ix_enrollments_procedure ON enrollments (procedure_type, performed_at);

-- One row per survey Scheduling sent (SurveyDue opens it, reminders refresh it). Scores are kept current
-- with every answer so the summary and the alert rules read them in SQL.
CREATE TABLE surveys (
    id               TEXT PRIMARY KEY,
    enrollment_id    TEXT NOT NULL,
    patient_id       TEXT NOT NULL,
    timepoint        TEXT NOT NULL,
    instruments      TEXT NOT NULL,            -- comma-separated instrument codes
    items            TEXT NOT NULL,            -- comma-separated item codes, in asking order
    channel          TEXT NOT NULL,
    locale           TEXT NOT NULL,
    phone            TEXT NULL,                -- normalised; the phone the survey may be answered from
    token_hash       TEXT NULL,                -- lowercase hex SHA-256 of the link token: what a visit is looked up by
    token_protected  TEXT NULL,                -- the token encrypted with ASP.NET Core Data Protection, to link to it from a text
    expires_at       TEXT NOT NULL,
    attempt          INTEGER NOT NULL,
    status           TEXT NOT NULL,            -- open | completed | expired
    opened_at        TEXT NOT NULL,
    refreshed_at     TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    completed_at     TEXT NULL,
    expired_at       TEXT NULL,
    vas              INTEGER NULL,
    analgesic_change TEXT NULL,
    msts_total       INTEGER NULL,
    consensus_class  TEXT NULL
);
CREATE UNIQUE INDEX ux_surveys_token_hash ON surveys (token_hash);
CREATE INDEX ix_surveys_phone ON surveys (phone, status, opened_at);
CREATE INDEX ix_surveys_enrollment ON surveys (enrollment_id, timepoint);

-- The current answer per survey item; replaced answers are kept in response_changes.
CREATE TABLE responses (
    survey_id     TEXT NOT NULL,
    item          TEXT NOT NULL,
    enrollment_id TEXT NOT NULL,
    value         INTEGER NOT NULL,
    source        TEXT NOT NULL,               -- sms | web | staff
    answered_at   TEXT NOT NULL,
    entered_by    TEXT NULL,                   -- the staff member, for staff-entered answers
    PRIMARY KEY (survey_id, item)
);
CREATE INDEX ix_responses_enrollment ON responses (enrollment_id, answered_at);

CREATE TABLE response_changes (
    id         TEXT PRIMARY KEY,
    survey_id  TEXT NOT NULL,
    item       TEXT NOT NULL,
    old_value  INTEGER NOT NULL,
    new_value  INTEGER NOT NULL,
    source     TEXT NOT NULL,
    changed_by TEXT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX ix_response_changes_survey ON response_changes (survey_id);

-- Inbound texts, stored before they are handled; the reply is kept so a repeat is answered identically.
CREATE TABLE inbound_sms (
    message_sid TEXT PRIMARY KEY,
    from_phone  TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    deliveries  INTEGER NOT NULL DEFAULT 1,
    survey_id   TEXT NULL,
    outcome     TEXT NULL,
    reply       TEXT NULL,
    handled_at  TEXT NULL
);

CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    enrollment_id   TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    survey_id       TEXT NOT NULL,             -- the survey of the latest evidence
    timepoint       TEXT NOT NULL,
    rules           TEXT NOT NULL,             -- comma-separated rule codes
    severity        TEXT NOT NULL,
    summary         TEXT NOT NULL,
    consensus_class TEXT NULL,
    status          TEXT NOT NULL,             -- open | acknowledged | resolved
    raised_at       TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    high_since      TEXT NULL,
    escalated_at    TEXT NULL,
    acknowledged_at TEXT NULL,
    acknowledged_by TEXT NULL,
    resolved_at     TEXT NULL,
    resolved_by     TEXT NULL,
    outcome         TEXT NULL,
    resolution_note TEXT NULL
);
-- One unresolved alert per enrollment: new evidence updates it instead of stacking duplicates.
CREATE UNIQUE INDEX ux_alerts_one_unresolved ON alerts (enrollment_id) WHERE status <> 'resolved';
CREATE INDEX ix_alerts_status ON alerts (status, updated_at);
CREATE INDEX ix_alerts_escalation ON alerts (severity, status, high_since);

-- The alert's history: every evidence update and every staff action, who and when.
CREATE TABLE alert_events (
    id        TEXT PRIMARY KEY,
    alert_id  TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,                   -- "system" or the staff user
    via       TEXT NULL,                       -- the integration client the staff user acted through
    action    TEXT NOT NULL,                   -- raised | updated | escalated | acknowledged | resolved | note | call
    survey_id TEXT NULL,
    severity  TEXT NULL,
    rules     TEXT NULL,
    summary   TEXT NULL,
    outcome   TEXT NULL,
    note      TEXT NULL
);
CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, at);

-- Views of patient data and changes to answers made by staff or by a resubmitted form.
CREATE TABLE audit_log (
    id            TEXT PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    via           TEXT NULL,
    action        TEXT NOT NULL,
    enrollment_id TEXT NULL,
    survey_id     TEXT NULL,
    alert_id      TEXT NULL,
    detail        TEXT NULL
);
CREATE INDEX ix_audit_log_enrollment ON audit_log (enrollment_id, at);
