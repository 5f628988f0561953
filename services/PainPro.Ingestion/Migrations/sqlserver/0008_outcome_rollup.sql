-- Issue 19: the quarterly review reads a monthly roll-up of the outcome figures instead of every survey. The roll-up
-- holds, per UTC month of the procedure, exactly the counts the dashboard's queries would compute from surveys,
-- responses and enrollments. Every write to those tables marks its enrollment's month stale (the triggers below, in the
-- writer's own transaction); a reader recomputes the stale months from the same tables before reading
-- (Outcomes/OutcomeRollup.cs). As PostgreSQL's advisory lock: writers mark a month holding a shared application lock
-- on it (sp_getapplock, owned by their transaction, resource '<schema>.outcome_month.yyyy-MM') until they commit; the
-- recompute takes that lock exclusively, so it waits for writers in flight, and a write that starts after it marks the
-- month stale again once the recompute has committed: no write is ever lost with a mark the recompute clears.
-- Writers do not wait for each other (shared locks, and an existing mark is left alone: IGNORE_DUP_KEY is PostgreSQL's
-- ON CONFLICT DO NOTHING).
CREATE TABLE outcome_months_stale (
    month nvarchar(7) NOT NULL,            -- yyyy-MM of enrollments.performed_at (UTC)
    CONSTRAINT outcome_months_stale_pkey PRIMARY KEY (month) WITH (IGNORE_DUP_KEY = ON)
);

-- One row per month × procedure type × cut: dimension 'all' (grp NULL), 'facility' or 'surgeon' (grp the facility or
-- surgeon, NULL when not recorded); timepoint '' holds the enrollment count, the others that timepoint's surveys.
-- reduction is the response reduction (PainPro:Ingestion:Alerts:ResponseReduction) `reduced` was counted with.
CREATE TABLE outcome_rollup (
    month          nvarchar(7)   NOT NULL,
    procedure_type nvarchar(64)  NOT NULL,
    dimension      nvarchar(16)  NOT NULL,
    grp            nvarchar(max) NULL,
    timepoint      nvarchar(64)  NOT NULL,
    reduction      int    NOT NULL,
    enrollments    bigint NOT NULL,
    sent           bigint NOT NULL,
    answered       bigint NOT NULL,
    paired         bigint NOT NULL,
    reduced        bigint NOT NULL,
    complete       bigint NOT NULL,
    partial        bigint NOT NULL,
    progression    bigint NOT NULL,
    indeterminate  bigint NOT NULL,
    msts_n         bigint NOT NULL,
    msts_sum       bigint NOT NULL
);
CREATE INDEX ix_outcome_rollup_month ON outcome_rollup (month, procedure_type);

-- Pain answers per value, for the summary's quantiles and the paired view: timepoint 'baseline' counts the
-- enrollments' baselines (vas = baseline_vas), the others each survey's pain with its enrollment's baseline (NULL: none).
CREATE TABLE outcome_rollup_pain (
    month          nvarchar(7)  NOT NULL,
    procedure_type nvarchar(64) NOT NULL,
    timepoint      nvarchar(64) NOT NULL,
    baseline_vas   int    NULL,
    vas            int    NOT NULL,
    n              bigint NOT NULL
);
CREATE INDEX ix_outcome_rollup_pain_month ON outcome_rollup_pain (month, procedure_type);

-- Every month with enrollments starts stale: the first read computes them all. (Style 126 is ISO 8601: yyyy-MM first.)
INSERT INTO outcome_months_stale (month)
SELECT DISTINCT CONVERT(nvarchar(7), SWITCHOFFSET(performed_at, '+00:00'), 126) FROM enrollments;
GO
-- Marks one month stale, holding the month's shared lock until the writer's transaction ends (the trigger runs in it).
CREATE PROCEDURE outcome_mark_stale @month nvarchar(7) AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @resource nvarchar(255) = SCHEMA_NAME() + N'.outcome_month.' + @month, @result int;
    EXEC @result = sp_getapplock @Resource = @resource, @LockMode = 'Shared', @LockOwner = 'Transaction', @LockTimeout = -1;
    IF @result < 0 THROW 50000, 'sp_getapplock failed for the outcome roll-up month', 1;
    INSERT INTO outcome_months_stale (month) VALUES (@month);
END
GO
-- T-SQL triggers fire once per statement: each collects the months of every row it touched (inserted: the rows after,
-- deleted: the rows before) and marks them in order, so two writers take the month locks in the same order.
CREATE TRIGGER outcome_stale_enrollment ON enrollments AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    -- PostgreSQL's UPDATE OF: an update that sets none of the columns the roll-up reads changes nothing in it.
    IF EXISTS (SELECT 1 FROM inserted) AND EXISTS (SELECT 1 FROM deleted)
       AND NOT (UPDATE(performed_at) OR UPDATE(procedure_type) OR UPDATE(facility) OR UPDATE(surgeon) OR UPDATE(baseline_vas))
        RETURN;
    DECLARE @months TABLE (month nvarchar(7) PRIMARY KEY);
    INSERT INTO @months (month)
    SELECT CONVERT(nvarchar(7), SWITCHOFFSET(performed_at, '+00:00'), 126) FROM inserted
    UNION
    SELECT CONVERT(nvarchar(7), SWITCHOFFSET(performed_at, '+00:00'), 126) FROM deleted;
    DECLARE @month nvarchar(7) = (SELECT MIN(month) FROM @months);
    WHILE @month IS NOT NULL
    BEGIN
        EXEC outcome_mark_stale @month;
        SET @month = (SELECT MIN(month) FROM @months WHERE month > @month);
    END
END
GO
CREATE TRIGGER outcome_stale_survey ON surveys AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    IF EXISTS (SELECT 1 FROM inserted) AND EXISTS (SELECT 1 FROM deleted)
       AND NOT (UPDATE(enrollment_id) OR UPDATE(timepoint) OR UPDATE(vas) OR UPDATE(msts_total) OR UPDATE(consensus_class))
        RETURN;
    DECLARE @months TABLE (month nvarchar(7) PRIMARY KEY);
    INSERT INTO @months (month)
    SELECT CONVERT(nvarchar(7), SWITCHOFFSET(e.performed_at, '+00:00'), 126)
    FROM (SELECT enrollment_id FROM inserted UNION SELECT enrollment_id FROM deleted) AS s
    JOIN enrollments e ON e.id = s.enrollment_id
    GROUP BY CONVERT(nvarchar(7), SWITCHOFFSET(e.performed_at, '+00:00'), 126);
    DECLARE @month nvarchar(7) = (SELECT MIN(month) FROM @months);
    WHILE @month IS NOT NULL
    BEGIN
        EXEC outcome_mark_stale @month;
        SET @month = (SELECT MIN(month) FROM @months WHERE month > @month);
    END
END
GO
-- "Answered" is "has any response": only a response's arrival or removal changes it.
CREATE TRIGGER outcome_stale_response ON responses AFTER INSERT, DELETE AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @months TABLE (month nvarchar(7) PRIMARY KEY);
    INSERT INTO @months (month)
    SELECT CONVERT(nvarchar(7), SWITCHOFFSET(e.performed_at, '+00:00'), 126)
    FROM (SELECT survey_id FROM inserted UNION SELECT survey_id FROM deleted) AS r
    JOIN surveys s ON s.id = r.survey_id
    JOIN enrollments e ON e.id = s.enrollment_id
    GROUP BY CONVERT(nvarchar(7), SWITCHOFFSET(e.performed_at, '+00:00'), 126);
    DECLARE @month nvarchar(7) = (SELECT MIN(month) FROM @months);
    WHILE @month IS NOT NULL
    BEGIN
        EXEC outcome_mark_stale @month;
        SET @month = (SELECT MIN(month) FROM @months WHERE month > @month);
    END
END
