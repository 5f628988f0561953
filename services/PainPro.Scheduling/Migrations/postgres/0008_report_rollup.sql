-- Issue 19: the dashboard's enrollment counts and response funnel read a monthly roll-up instead of every enrollment
-- and survey. The roll-up holds, per UTC month of the procedure and procedure type, exactly the counts the reports'
-- queries would compute from enrollments and surveys. Every write to those tables that can change a count marks its
-- enrollment's month stale (the triggers below, in the writer's own transaction); a reader recomputes the stale months
-- from the same tables before reading (Reports/ReportRollup.cs), with the very query that answers a part month.
-- Writers mark a month holding a shared advisory lock on it (key 1920, yyyyMM) until they commit; the recompute takes
-- that lock exclusively, so it waits for writers in flight, and a write that starts after it marks the month stale again
-- once the recompute has committed: no write is ever lost with a mark the recompute clears. Writers do not wait for
-- each other (shared locks, and an existing mark is left alone).
CREATE TABLE report_months_stale (
    month text PRIMARY KEY                 -- yyyy-MM of enrollments.performed_at (UTC)
);

-- The response funnel of one timepoint (cancelled surveys aside), as GET /api/reports/delivery-funnel counts it.
CREATE TABLE funnel_rollup (
    month                   text   NOT NULL,
    procedure_type          text   NOT NULL,
    timepoint               text   NOT NULL,
    due                     bigint NOT NULL,
    sent                    bigint NOT NULL,
    reminded                bigint NOT NULL,
    answered                bigint NOT NULL,
    answered_after_reminder bigint NOT NULL
);
CREATE INDEX ix_funnel_rollup_month ON funnel_rollup (month, procedure_type);

-- Enrollments per derived status (active while a survey is open, completed, cancelled).
CREATE TABLE enrollment_status_rollup (
    month          text   NOT NULL,
    procedure_type text   NOT NULL,
    status         text   NOT NULL,
    n              bigint NOT NULL
);
CREATE INDEX ix_enrollment_status_rollup_month ON enrollment_status_rollup (month, procedure_type);

-- The part months at a range's ends are read directly, by procedure date.
CREATE INDEX enrollments_performed ON enrollments (performed_at);

-- Every month with enrollments starts stale: the first read computes them all.
INSERT INTO report_months_stale (month) SELECT DISTINCT to_char(performed_at AT TIME ZONE 'UTC', 'YYYY-MM') FROM enrollments;

CREATE FUNCTION report_mark_stale(stale_month text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1920, replace(stale_month, '-', '')::int);
    INSERT INTO report_months_stale (month) VALUES (stale_month) ON CONFLICT DO NOTHING;
END $$;

CREATE FUNCTION report_stale_enrollment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM report_mark_stale(to_char(OLD.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM report_mark_stale(to_char(NEW.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')); END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_stale_enrollment
AFTER INSERT OR DELETE OR UPDATE OF performed_at, procedure_type, cancelled_at ON enrollments
FOR EACH ROW EXECUTE FUNCTION report_stale_enrollment();

-- Surveys are written in batches (the claim takes 500 at a time): one statement-level trigger per statement marks the
-- distinct months of the rows whose counted columns changed, in order, rather than a row trigger per survey.
CREATE FUNCTION report_stale_surveys() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stale_month text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        FOR stale_month IN
            SELECT DISTINCT to_char(e.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')
            FROM (SELECT DISTINCT enrollment_id FROM new_surveys) s JOIN enrollments e ON e.id = s.enrollment_id ORDER BY 1
        LOOP PERFORM report_mark_stale(stale_month); END LOOP;
    ELSIF TG_OP = 'DELETE' THEN
        FOR stale_month IN
            SELECT DISTINCT to_char(e.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')
            FROM (SELECT DISTINCT enrollment_id FROM old_surveys) s JOIN enrollments e ON e.id = s.enrollment_id ORDER BY 1
        LOOP PERFORM report_mark_stale(stale_month); END LOOP;
    ELSE
        FOR stale_month IN
            SELECT DISTINCT to_char(e.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')
            FROM new_surveys n JOIN old_surveys o ON o.id = n.id
            JOIN enrollments e ON e.id IN (n.enrollment_id, o.enrollment_id)
            WHERE (n.enrollment_id, n.timepoint, n.status, n.first_sent_at, n.last_sent_at)
                  IS DISTINCT FROM (o.enrollment_id, o.timepoint, o.status, o.first_sent_at, o.last_sent_at)
            ORDER BY 1
        LOOP PERFORM report_mark_stale(stale_month); END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_stale_surveys_inserted AFTER INSERT ON surveys
REFERENCING NEW TABLE AS new_surveys FOR EACH STATEMENT EXECUTE FUNCTION report_stale_surveys();
CREATE TRIGGER report_stale_surveys_updated AFTER UPDATE ON surveys
REFERENCING OLD TABLE AS old_surveys NEW TABLE AS new_surveys FOR EACH STATEMENT EXECUTE FUNCTION report_stale_surveys();
CREATE TRIGGER report_stale_surveys_deleted AFTER DELETE ON surveys
REFERENCING OLD TABLE AS old_surveys FOR EACH STATEMENT EXECUTE FUNCTION report_stale_surveys();
