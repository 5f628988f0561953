-- Large CSV imports run as Hangfire background jobs. The upload waits here (it names patients: it is cleared when
-- the import ends); the job records each batch's rows and its progress, so a caller can poll it and a job that was
-- interrupted resumes after the last batch it recorded. Finished imports are deleted after a week.
CREATE TABLE csv_imports (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    file BLOB NULL,
    total_rows INTEGER NOT NULL,
    rows_done INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    failure TEXT NULL,
    submitted_at TEXT NOT NULL,
    started_at TEXT NULL,
    finished_at TEXT NULL
);
CREATE INDEX csv_imports_finished ON csv_imports (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE csv_import_rows (
    import_id TEXT NOT NULL REFERENCES csv_imports (id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    external_id TEXT NULL,
    result TEXT NOT NULL,
    enrollment_id TEXT NULL,
    reason TEXT NULL,
    PRIMARY KEY (import_id, row)
);
