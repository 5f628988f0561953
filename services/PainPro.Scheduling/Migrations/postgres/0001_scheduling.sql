-- Patients are deduplicated by MRN; contact details are kept current by each new registration.
CREATE TABLE patients (
    id uuid PRIMARY KEY,
    mrn text NOT NULL UNIQUE,
    given_name text NOT NULL,
    family_name text NOT NULL,
    phone text NULL,
    email text NULL,
    preferred_channel text NOT NULL,
    locale text NOT NULL,
    time_zone text NULL,
    sms_opted_out boolean NOT NULL DEFAULT false,
    -- An SMS to this phone failed for good: texts stop until the phone changes. With no email left the patient is unreachable.
    sms_failed_at timestamptz NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX patients_phone ON patients (phone) WHERE phone IS NOT NULL;

CREATE TABLE enrollments (
    id uuid PRIMARY KEY,
    external_id text NOT NULL UNIQUE,
    -- Hash of the normalised registration: a repeat with the same body is a no-op, a different body a conflict.
    request_hash text NOT NULL,
    patient_id uuid NOT NULL REFERENCES patients (id),
    procedure_type text NOT NULL,
    body_site text NOT NULL,
    performed_at timestamptz NOT NULL,
    facility text NOT NULL,
    surgeon text NULL,
    baseline_vas integer NULL,
    baseline_recorded_at timestamptz NULL,
    -- The zone and send window the schedule was computed in (the patient's zone, else the facility's).
    time_zone text NOT NULL,
    send_window_start integer NOT NULL,
    send_window_end integer NOT NULL,
    cancelled_at timestamptz NULL,
    cancel_reason text NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX enrollments_patient ON enrollments (patient_id);
CREATE INDEX enrollments_type_performed ON enrollments (procedure_type, performed_at);

CREATE TABLE surveys (
    id uuid PRIMARY KEY,
    enrollment_id uuid NOT NULL REFERENCES enrollments (id),
    timepoint text NOT NULL,
    instruments text NOT NULL,
    channel text NOT NULL,
    due_at timestamptz NOT NULL,
    send_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL,
    reminder_minutes text NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    first_sent_at timestamptz NULL,
    last_sent_at timestamptz NULL,
    -- Non-null exactly while a send (first or reminder) is pending: the claim loop's whole queue.
    next_send_at timestamptz NULL,
    completed_at timestamptz NULL,
    expired_at timestamptz NULL,
    link_token text NOT NULL UNIQUE,
    UNIQUE (enrollment_id, timepoint)
);
-- Partial indexes: the claim and expiry scans cost what is pending, not what the table has ever held.
CREATE INDEX surveys_next_send ON surveys (next_send_at) WHERE next_send_at IS NOT NULL;
CREATE INDEX surveys_open_until ON surveys (closes_at) WHERE status IN ('scheduled', 'sent', 'reminded');

-- Who looked at which patient, and when (DESIGN §8).
CREATE TABLE patient_views (
    id uuid PRIMARY KEY,
    patient_id uuid NOT NULL,
    action text NOT NULL,
    viewed_by text NOT NULL,
    client text NULL,
    viewed_at timestamptz NOT NULL
);
CREATE INDEX patient_views_patient ON patient_views (patient_id, viewed_at);
