-- Issue 19: the dashboard's enrollment counts and response funnel read a monthly roll-up instead of every enrollment
-- and survey. The roll-up holds, per UTC month of the procedure and procedure type, exactly the counts the reports'
-- queries would compute from enrollments and surveys. Every write to those tables that can change a count marks its
-- enrollment's month stale (the triggers below, in the writer's own transaction); a reader recomputes the stale months
-- from the same tables before reading (Reports/ReportRollup.cs), with the very query that answers a part month.
-- As PostgreSQL's advisory lock: writers mark a month holding a shared application lock on it (sp_getapplock, owned by
-- their transaction, resource '<schema>.report_month.yyyy-MM') until they commit; the recompute takes that lock
-- exclusively, so it waits for writers in flight, and a write that starts after it marks the month stale again once the
-- recompute has committed: no write is ever lost with a mark the recompute clears. Writers do not wait for each other
-- (shared locks, and an existing mark is left alone: IGNORE_DUP_KEY is PostgreSQL's ON CONFLICT DO NOTHING).
CREATE TABLE report_months_stale (
    month nvarchar(7) NOT NULL,            -- yyyy-MM of enrollments.performed_at (UTC)
    CONSTRAINT report_months_stale_pkey PRIMARY KEY (month) WITH (IGNORE_DUP_KEY = ON)
);

-- The response funnel of one timepoint (cancelled surveys aside), as GET /api/reports/delivery-funnel counts it.
CREATE TABLE funnel_rollup (
    month                   nvarchar(7)  NOT NULL,
    procedure_type          nvarchar(64) NOT NULL,
    timepoint               nvarchar(64) NOT NULL,
    due                     bigint       NOT NULL,
    sent                    bigint       NOT NULL,
    reminded                bigint       NOT NULL,
    answered                bigint       NOT NULL,
    answered_after_reminder bigint       NOT NULL
);
CREATE INDEX ix_funnel_rollup_month ON funnel_rollup (month, procedure_type);

-- Enrollments per derived status (active while a survey is open, completed, cancelled).
CREATE TABLE enrollment_status_rollup (
    month          nvarchar(7)  NOT NULL,
    procedure_type nvarchar(64) NOT NULL,
    status         nvarchar(16) NOT NULL,
    n              bigint       NOT NULL
);
CREATE INDEX ix_enrollment_status_rollup_month ON enrollment_status_rollup (month, procedure_type);

-- The part months at a range's ends are read directly, by procedure date.
CREATE INDEX enrollments_performed ON enrollments (performed_at);

-- Every month with enrollments starts stale: the first read computes them all. (Style 126 is ISO 8601: yyyy-MM first.)
INSERT INTO report_months_stale (month)
SELECT DISTINCT CONVERT(nvarchar(7), SWITCHOFFSET(performed_at, '+00:00'), 126) FROM enrollments;
GO
-- Marks one month stale, holding the month's shared lock until the writer's transaction ends (the trigger runs in it).
CREATE PROCEDURE report_mark_stale @month nvarchar(7) AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @resource nvarchar(255) = SCHEMA_NAME() + N'.report_month.' + @month, @result int;
    EXEC @result = sp_getapplock @Resource = @resource, @LockMode = 'Shared', @LockOwner = 'Transaction', @LockTimeout = -1;
    IF @result < 0 THROW 50000, 'sp_getapplock failed for the report roll-up month', 1;
    INSERT INTO report_months_stale (month) VALUES (@month);
END
GO
-- T-SQL triggers fire once per statement: each collects the months of every row it touched (inserted: the rows after,
-- deleted: the rows before) and marks them in order, so two writers take the month locks in the same order.
CREATE TRIGGER report_stale_enrollment ON enrollments AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    -- PostgreSQL's UPDATE OF: an update that sets none of the columns the roll-up reads changes nothing in it.
    IF EXISTS (SELECT 1 FROM inserted) AND EXISTS (SELECT 1 FROM deleted)
       AND NOT (UPDATE(performed_at) OR UPDATE(procedure_type) OR UPDATE(cancelled_at))
        RETURN;
    DECLARE @months TABLE (month nvarchar(7) PRIMARY KEY);
    INSERT INTO @months (month)
    SELECT CONVERT(nvarchar(7), SWITCHOFFSET(performed_at, '+00:00'), 126) FROM inserted
    UNION
    SELECT CONVERT(nvarchar(7), SWITCHOFFSET(performed_at, '+00:00'), 126) FROM deleted;
    DECLARE @month nvarchar(7) = (SELECT MIN(month) FROM @months);
    WHILE @month IS NOT NULL
    BEGIN
        EXEC report_mark_stale @month;
        SET @month = (SELECT MIN(month) FROM @months WHERE month > @month);
    END
END
GO
CREATE TRIGGER report_stale_survey ON surveys AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    -- The claim and the sends rewrite next_send_at and attempts constantly: only the counted columns matter.
    IF EXISTS (SELECT 1 FROM inserted) AND EXISTS (SELECT 1 FROM deleted)
       AND NOT (UPDATE(enrollment_id) OR UPDATE(timepoint) OR UPDATE(status) OR UPDATE(first_sent_at) OR UPDATE(last_sent_at))
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
        EXEC report_mark_stale @month;
        SET @month = (SELECT MIN(month) FROM @months WHERE month > @month);
    END
END
