-- Patients are deduplicated by MRN; contact details are kept current by each new registration.
CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    mrn TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    phone TEXT NULL,
    email TEXT NULL,
    preferred_channel TEXT NOT NULL,
    locale TEXT NOT NULL,
    time_zone TEXT NULL,
    sms_opted_out INTEGER NOT NULL DEFAULT 0,
    -- An SMS to this phone failed for good: texts stop until the phone changes. With no email left the patient is unreachable.
    sms_failed_at TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX patients_phone ON patients (phone) WHERE phone IS NOT NULL;

CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    -- Hash of the normalised registration: a repeat with the same body is a no-op, a different body a conflict.
    request_hash TEXT NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    procedure_type TEXT NOT NULL,
    body_site TEXT NOT NULL,
    performed_at TEXT NOT NULL,
    facility TEXT NOT NULL,
    surgeon TEXT NULL,
    baseline_vas INTEGER NULL,
    baseline_recorded_at TEXT NULL,
    -- The zone and send window the schedule was computed in (the patient's zone, else the facility's).
    time_zone TEXT NOT NULL,
    send_window_start INTEGER NOT NULL,
    send_window_end INTEGER NOT NULL,
    cancelled_at TEXT NULL,
    cancel_reason TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX enrollments_patient ON enrollments (patient_id);
CREATE INDEX enrollments_type_performed ON enrollments (procedure_type, performed_at);

CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    enrollment_id TEXT NOT NULL REFERENCES enrollments (id),
    timepoint TEXT NOT NULL,
    instruments TEXT NOT NULL,
    channel TEXT NOT NULL,
    due_at TEXT NOT NULL,
    send_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    reminder_minutes TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    first_sent_at TEXT NULL,
    last_sent_at TEXT NULL,
    -- Non-null exactly while a send (first or reminder) is pending: the claim loop's whole queue.
    next_send_at TEXT NULL,
    completed_at TEXT NULL,
    expired_at TEXT NULL,
    link_token TEXT NOT NULL UNIQUE,
    UNIQUE (enrollment_id, timepoint)
);
-- Partial indexes: the claim and expiry scans cost what is pending, not what the table has ever held.
CREATE INDEX surveys_next_send ON surveys (next_send_at) WHERE next_send_at IS NOT NULL;
CREATE INDEX surveys_open_until ON surveys (closes_at) WHERE status IN ('scheduled', 'sent', 'reminded');

-- Who looked at which patient, and when (DESIGN §8).
CREATE TABLE patient_views (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL,
    action TEXT NOT NULL,
    viewed_by TEXT NOT NULL,
    client TEXT NULL,
    viewed_at TEXT NOT NULL
);
CREATE INDEX patient_views_patient ON patient_views (patient_id, viewed_at);
