-- Enrollments as Ingestion needs them: what alert rules, worklists and the outcomes summary filter and compare on.
CREATE TABLE enrollments (
    id                   uniqueidentifier PRIMARY KEY,
    patient_id           uniqueidentifier NOT NULL,
    procedure_type       nvarchar(64) NOT NULL,
    body_site            nvarchar(max) NOT NULL,
    facility             nvarchar(max) NOT NULL,
    performed_at         datetimeoffset(7) NOT NULL,
    mrn_last4            nvarchar(max) NULL,
    baseline_vas         integer NULL,
    baseline_recorded_at datetimeoffset(7) NULL,
    baseline_source      nvarchar(max) NULL,            -- clinic | survey
    created_at           datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_enrollments_procedure ON enrollments (procedure_type, performed_at);

-- One row per survey Scheduling sent (SurveyDue opens it, reminders refresh it). Scores are kept current
-- with every answer so the summary and the alert rules read them in SQL.
CREATE TABLE surveys (
    id               uniqueidentifier PRIMARY KEY,
    enrollment_id    uniqueidentifier NOT NULL,
    patient_id       uniqueidentifier NOT NULL,
    timepoint        nvarchar(64) NOT NULL,
    instruments      nvarchar(max) NOT NULL,            -- comma-separated instrument codes
    items            nvarchar(max) NOT NULL,            -- comma-separated item codes, in asking order
    channel          nvarchar(max) NOT NULL,
    locale           nvarchar(max) NOT NULL,
    phone            nvarchar(200) NULL,                -- normalised; the phone the survey may be answered from
    token_hash       nvarchar(200) NULL,                -- lowercase hex SHA-256 of the link token: what a visit is looked up by
    token_protected  nvarchar(max) NULL,                -- the token encrypted with ASP.NET Core Data Protection, to link to it from a text
    expires_at       datetimeoffset(7) NOT NULL,
    attempt          integer NOT NULL,
    status           nvarchar(64) NOT NULL,            -- open | completed | expired
    opened_at        datetimeoffset(7) NOT NULL,
    refreshed_at     datetimeoffset(7) NOT NULL,
    last_activity_at datetimeoffset(7) NOT NULL,
    completed_at     datetimeoffset(7) NULL,
    expired_at       datetimeoffset(7) NULL,
    vas              integer NULL,
    analgesic_change nvarchar(max) NULL,
    msts_total       integer NULL,
    consensus_class  nvarchar(max) NULL
);
-- Filtered: a SQL Server unique index otherwise allows one NULL, PostgreSQL any number.
CREATE UNIQUE INDEX ux_surveys_token_hash ON surveys (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX ix_surveys_phone ON surveys (phone, status, opened_at);
CREATE INDEX ix_surveys_enrollment ON surveys (enrollment_id, timepoint);

-- The current answer per survey item; replaced answers are kept in response_changes.
CREATE TABLE responses (
    survey_id     uniqueidentifier NOT NULL,
    item          nvarchar(64) NOT NULL,
    enrollment_id uniqueidentifier NOT NULL,
    value         integer NOT NULL,
    source        nvarchar(max) NOT NULL,               -- sms | web | staff
    answered_at   datetimeoffset(7) NOT NULL,
    entered_by    nvarchar(max) NULL,                   -- the staff member, for staff-entered answers
    CONSTRAINT responses_pkey PRIMARY KEY (survey_id, item)
);
CREATE INDEX ix_responses_enrollment ON responses (enrollment_id, answered_at);

CREATE TABLE response_changes (
    id         uniqueidentifier PRIMARY KEY,
    survey_id  uniqueidentifier NOT NULL,
    item       nvarchar(max) NOT NULL,
    old_value  integer NOT NULL,
    new_value  integer NOT NULL,
    source     nvarchar(max) NOT NULL,
    changed_by nvarchar(max) NULL,
    changed_at datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_response_changes_survey ON response_changes (survey_id);

-- Inbound texts, stored before they are handled; the reply is kept so a repeat is answered identically.
CREATE TABLE inbound_sms (
    message_sid nvarchar(200) PRIMARY KEY,
    from_phone  nvarchar(200) NOT NULL,
    body        nvarchar(max) NOT NULL,
    received_at datetimeoffset(7) NOT NULL,
    deliveries  integer NOT NULL DEFAULT 1,
    survey_id   uniqueidentifier NULL,
    outcome     nvarchar(64) NULL,
    reply       nvarchar(max) NULL,
    handled_at  datetimeoffset(7) NULL
);

CREATE TABLE alerts (
    id              uniqueidentifier PRIMARY KEY,
    enrollment_id   uniqueidentifier NOT NULL,
    patient_id      uniqueidentifier NOT NULL,
    survey_id       uniqueidentifier NOT NULL,             -- the survey of the latest evidence
    timepoint       nvarchar(max) NOT NULL,
    rules           nvarchar(max) NOT NULL,             -- comma-separated rule codes
    severity        nvarchar(64) NOT NULL,
    summary         nvarchar(max) NOT NULL,
    consensus_class nvarchar(max) NULL,
    status          nvarchar(64) NOT NULL,             -- open | acknowledged | resolved
    raised_at       datetimeoffset(7) NOT NULL,
    updated_at      datetimeoffset(7) NOT NULL,
    high_since      datetimeoffset(7) NULL,
    escalated_at    datetimeoffset(7) NULL,
    acknowledged_at datetimeoffset(7) NULL,
    acknowledged_by nvarchar(max) NULL,
    resolved_at     datetimeoffset(7) NULL,
    resolved_by     nvarchar(max) NULL,
    outcome         nvarchar(max) NULL,
    resolution_note nvarchar(max) NULL
);
-- One unresolved alert per enrollment: new evidence updates it instead of stacking duplicates.
CREATE UNIQUE INDEX ux_alerts_one_unresolved ON alerts (enrollment_id) WHERE status <> 'resolved';
CREATE INDEX ix_alerts_status ON alerts (status, updated_at);
CREATE INDEX ix_alerts_escalation ON alerts (severity, status, high_since);

-- The alert's history: every evidence update and every staff action, who and when.
CREATE TABLE alert_events (
    id        uniqueidentifier PRIMARY KEY,
    alert_id  uniqueidentifier NOT NULL,
    at        datetimeoffset(7) NOT NULL,
    actor     nvarchar(64) NOT NULL,                   -- "system" or the staff user
    via       nvarchar(max) NULL,                       -- the integration client the staff user acted through
    action    nvarchar(max) NOT NULL,                   -- raised | updated | escalated | acknowledged | resolved | note | call
    survey_id uniqueidentifier NULL,
    severity  nvarchar(max) NULL,
    rules     nvarchar(max) NULL,
    summary   nvarchar(max) NULL,
    outcome   nvarchar(max) NULL,
    note      nvarchar(max) NULL
);
CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, at);

-- Views of patient data and changes to answers made by staff or by a resubmitted form.
CREATE TABLE audit_log (
    id            uniqueidentifier PRIMARY KEY,
    at            datetimeoffset(7) NOT NULL,
    actor         nvarchar(max) NOT NULL,
    via           nvarchar(max) NULL,
    action        nvarchar(max) NOT NULL,
    enrollment_id uniqueidentifier NULL,
    survey_id     uniqueidentifier NULL,
    alert_id      uniqueidentifier NULL,
    detail        nvarchar(max) NULL
);
CREATE INDEX ix_audit_log_enrollment ON audit_log (enrollment_id, at);
