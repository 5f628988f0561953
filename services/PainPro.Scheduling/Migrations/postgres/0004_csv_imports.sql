-- Large CSV imports run as Hangfire background jobs. The upload waits here (it names patients: it is cleared when
-- the import ends); the job records each batch's rows and its progress, so a caller can poll it and a job that was
-- interrupted resumes after the last batch it recorded. Finished imports are deleted after a week.
CREATE TABLE csv_imports (
    id uuid PRIMARY KEY,
    status text NOT NULL,
    file bytea NULL,
    total_rows int NOT NULL,
    rows_done int NOT NULL DEFAULT 0,
    created int NOT NULL DEFAULT 0,
    duplicates int NOT NULL DEFAULT 0,
    errors int NOT NULL DEFAULT 0,
    failure text NULL,
    submitted_at timestamptz NOT NULL,
    started_at timestamptz NULL,
    finished_at timestamptz NULL
);
CREATE INDEX csv_imports_finished ON csv_imports (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE csv_import_rows (
    import_id uuid NOT NULL REFERENCES csv_imports (id) ON DELETE CASCADE,
    row int NOT NULL,
    external_id text NULL,
    result text NOT NULL,
    enrollment_id uuid NULL,
    reason text NULL,
    PRIMARY KEY (import_id, row)
);
