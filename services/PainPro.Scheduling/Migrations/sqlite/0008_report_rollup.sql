-- Issue 19: the dashboard's enrollment counts and response funnel read a monthly roll-up instead of every enrollment
-- and survey. The roll-up holds, per UTC month of the procedure and procedure type, exactly the counts the reports'
-- queries would compute from enrollments and surveys. Every write to those tables that can change a count marks its
-- enrollment's month stale (the triggers below, in the writer's own transaction); a reader recomputes the stale months
-- from the same tables before reading (Reports/ReportRollup.cs), with the very query that answers a part month.
-- SQLite has one writer, and the recompute is a write transaction: no write can slip between the recompute and its
-- clearing of the mark.
CREATE TABLE report_months_stale (
    month TEXT PRIMARY KEY                 -- yyyy-MM of enrollments.performed_at (UTC)
);

-- The response funnel of one timepoint (cancelled surveys aside), as GET /api/reports/delivery-funnel counts it.
CREATE TABLE funnel_rollup (
    month                   TEXT    NOT NULL,
    procedure_type          TEXT    NOT NULL,
    timepoint               TEXT    NOT NULL,
    due                     INTEGER NOT NULL,
    sent                    INTEGER NOT NULL,
    reminded                INTEGER NOT NULL,
    answered                INTEGER NOT NULL,
    answered_after_reminder INTEGER NOT NULL
);
CREATE INDEX ix_funnel_rollup_month ON funnel_rollup (month, procedure_type);

-- Enrollments per derived status (active while a survey is open, completed, cancelled).
CREATE TABLE enrollment_status_rollup (
    month          TEXT    NOT NULL,
    procedure_type TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    n              INTEGER NOT NULL
);
CREATE INDEX ix_enrollment_status_rollup_month ON enrollment_status_rollup (month, procedure_type);

-- The part months at a range's ends are read directly, by procedure date.
CREATE INDEX enrollments_performed ON enrollments (performed_at);

-- Every month with enrollments starts stale: the first read computes them all.
INSERT INTO report_months_stale (month) SELECT DISTINCT substr(performed_at, 1, 7) FROM enrollments;

CREATE TRIGGER report_stale_enrollment_inserted AFTER INSERT ON enrollments BEGIN
    INSERT OR IGNORE INTO report_months_stale (month) VALUES (substr(NEW.performed_at, 1, 7));
END;
CREATE TRIGGER report_stale_enrollment_updated AFTER UPDATE OF performed_at, procedure_type, cancelled_at ON enrollments BEGIN
    INSERT OR IGNORE INTO report_months_stale (month) VALUES (substr(OLD.performed_at, 1, 7));
    INSERT OR IGNORE INTO report_months_stale (month) VALUES (substr(NEW.performed_at, 1, 7));
END;
CREATE TRIGGER report_stale_enrollment_deleted AFTER DELETE ON enrollments BEGIN
    INSERT OR IGNORE INTO report_months_stale (month) VALUES (substr(OLD.performed_at, 1, 7));
END;

CREATE TRIGGER report_stale_survey_inserted AFTER INSERT ON surveys BEGIN
    INSERT OR IGNORE INTO report_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM enrollments e WHERE e.id = NEW.enrollment_id;
END;
-- Only a change to a column the counts read: the claim and the sends rewrite next_send_at and attempts constantly.
CREATE TRIGGER report_stale_survey_updated
AFTER UPDATE OF enrollment_id, timepoint, status, first_sent_at, last_sent_at ON surveys
WHEN OLD.enrollment_id IS NOT NEW.enrollment_id OR OLD.timepoint IS NOT NEW.timepoint OR OLD.status IS NOT NEW.status
     OR OLD.first_sent_at IS NOT NEW.first_sent_at OR OLD.last_sent_at IS NOT NEW.last_sent_at BEGIN
    INSERT OR IGNORE INTO report_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM enrollments e WHERE e.id IN (OLD.enrollment_id, NEW.enrollment_id);
END;
CREATE TRIGGER report_stale_survey_deleted AFTER DELETE ON surveys BEGIN
    INSERT OR IGNORE INTO report_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM enrollments e WHERE e.id = OLD.enrollment_id;
END;
