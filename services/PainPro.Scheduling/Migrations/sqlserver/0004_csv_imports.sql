-- Large CSV imports run as Hangfire background jobs. The upload waits here (it names patients: it is cleared when
-- the import ends); the job records each batch's rows and its progress, so a caller can poll it and a job that was
-- interrupted resumes after the last batch it recorded. Finished imports are deleted after a week.
CREATE TABLE csv_imports (
    id uniqueidentifier PRIMARY KEY,
    status nvarchar(max) NOT NULL,
    [file] varbinary(max) NULL,  -- FILE is a T-SQL keyword: statements quote it on SQL Server
    total_rows int NOT NULL,
    rows_done int NOT NULL DEFAULT 0,
    created int NOT NULL DEFAULT 0,
    duplicates int NOT NULL DEFAULT 0,
    errors int NOT NULL DEFAULT 0,
    failure nvarchar(max) NULL,
    submitted_at datetimeoffset(7) NOT NULL,
    started_at datetimeoffset(7) NULL,
    finished_at datetimeoffset(7) NULL
);
CREATE INDEX csv_imports_finished ON csv_imports (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE csv_import_rows (
    import_id uniqueidentifier NOT NULL REFERENCES csv_imports (id) ON DELETE CASCADE,
    row int NOT NULL,
    external_id nvarchar(max) NULL,
    result nvarchar(max) NOT NULL,
    enrollment_id uniqueidentifier NULL,
    reason nvarchar(max) NULL,
    PRIMARY KEY (import_id, row)
);
