-- Patients are deduplicated by MRN; contact details are kept current by each new registration.
CREATE TABLE patients (
    id uniqueidentifier PRIMARY KEY,
    mrn nvarchar(200) NOT NULL UNIQUE,
    given_name nvarchar(max) NOT NULL,
    family_name nvarchar(max) NOT NULL,
    phone nvarchar(200) NULL,
    email nvarchar(max) NULL,
    preferred_channel nvarchar(max) NOT NULL,
    locale nvarchar(max) NOT NULL,
    time_zone nvarchar(max) NULL,
    sms_opted_out bit NOT NULL DEFAULT 0,
    -- An SMS to this phone failed for good: texts stop until the phone changes. With no email left the patient is unreachable.
    sms_failed_at datetimeoffset(7) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE INDEX patients_phone ON patients (phone) WHERE phone IS NOT NULL;

CREATE TABLE enrollments (
    id uniqueidentifier PRIMARY KEY,
    external_id nvarchar(200) NOT NULL UNIQUE,
    -- Hash of the normalised registration: a repeat with the same body is a no-op, a different body a conflict.
    request_hash nvarchar(max) NOT NULL,
    patient_id uniqueidentifier NOT NULL REFERENCES patients (id),
    procedure_type nvarchar(64) NOT NULL,
    body_site nvarchar(max) NOT NULL,
    performed_at datetimeoffset(7) NOT NULL,
    facility nvarchar(max) NOT NULL,
    surgeon nvarchar(max) NULL,
    baseline_vas integer NULL,
    baseline_recorded_at datetimeoffset(7) NULL,
    -- The zone and send window the schedule was computed in (the patient's zone, else the facility's).
    time_zone nvarchar(max) NOT NULL,
    send_window_start integer NOT NULL,
    send_window_end integer NOT NULL,
    cancelled_at datetimeoffset(7) NULL,
    cancel_reason nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE INDEX enrollments_patient ON enrollments (patient_id);
CREATE INDEX enrollments_type_performed ON enrollments (procedure_type, performed_at);

CREATE TABLE surveys (
    id uniqueidentifier PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL REFERENCES enrollments (id),
    timepoint nvarchar(64) NOT NULL,
    instruments nvarchar(max) NOT NULL,
    channel nvarchar(max) NOT NULL,
    due_at datetimeoffset(7) NOT NULL,
    send_at datetimeoffset(7) NOT NULL,
    closes_at datetimeoffset(7) NOT NULL,
    reminder_minutes nvarchar(max) NOT NULL,
    status nvarchar(64) NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    first_sent_at datetimeoffset(7) NULL,
    last_sent_at datetimeoffset(7) NULL,
    -- Non-null exactly while a send (first or reminder) is pending: the claim loop's whole queue.
    next_send_at datetimeoffset(7) NULL,
    completed_at datetimeoffset(7) NULL,
    expired_at datetimeoffset(7) NULL,
    link_token nvarchar(850) NOT NULL UNIQUE,
    UNIQUE (enrollment_id, timepoint)
);
-- Partial indexes: the claim and expiry scans cost what is pending, not what the table has ever held.
CREATE INDEX surveys_next_send ON surveys (next_send_at) WHERE next_send_at IS NOT NULL;
CREATE INDEX surveys_open_until ON surveys (closes_at) WHERE status IN ('scheduled', 'sent', 'reminded');

-- Who looked at which patient, and when (DESIGN §8).
CREATE TABLE patient_views (
    id uniqueidentifier PRIMARY KEY,
    patient_id uniqueidentifier NOT NULL,
    action nvarchar(max) NOT NULL,
    viewed_by nvarchar(max) NOT NULL,
    client nvarchar(max) NULL,
    viewed_at datetimeoffset(7) NOT NULL
);
CREATE INDEX patient_views_patient ON patient_views (patient_id, viewed_at);
