-- Issue 19: the quarterly review reads a monthly roll-up of the outcome figures instead of every survey. The roll-up
-- holds, per UTC month of the procedure, exactly the counts the dashboard's queries would compute from surveys,
-- responses and enrollments. Every write to those tables marks its enrollment's month stale (the triggers below, in the
-- writer's own transaction); a reader recomputes the stale months from the same tables before reading
-- (Outcomes/OutcomeRollup.cs). SQLite has one writer, and the recompute is a write transaction: no write can slip
-- between the recompute and its clearing of the mark.
CREATE TABLE outcome_months_stale (
    month TEXT PRIMARY KEY                 -- yyyy-MM of enrollments.performed_at (UTC)
);

-- One row per month × procedure type × cut: dimension 'all' (grp NULL), 'facility' or 'surgeon' (grp the facility or
-- surgeon, NULL when not recorded); timepoint '' holds the enrollment count, the others that timepoint's surveys.
-- reduction is the response reduction (PainPro:Ingestion:Alerts:ResponseReduction) `reduced` was counted with.
CREATE TABLE outcome_rollup (
    month          TEXT    NOT NULL,
    procedure_type TEXT    NOT NULL,
    dimension      TEXT    NOT NULL,
    grp            TEXT    NULL,
    timepoint      TEXT    NOT NULL,
    reduction      INTEGER NOT NULL,
    enrollments    INTEGER NOT NULL,
    sent           INTEGER NOT NULL,
    answered       INTEGER NOT NULL,
    paired         INTEGER NOT NULL,
    reduced        INTEGER NOT NULL,
    complete       INTEGER NOT NULL,
    partial        INTEGER NOT NULL,
    progression    INTEGER NOT NULL,
    indeterminate  INTEGER NOT NULL,
    msts_n         INTEGER NOT NULL,
    msts_sum       INTEGER NOT NULL
);
CREATE INDEX ix_outcome_rollup_month ON outcome_rollup (month, procedure_type);

-- Pain answers per value, for the summary's quantiles and the paired view: timepoint 'baseline' counts the
-- enrollments' baselines (vas = baseline_vas), the others each survey's pain with its enrollment's baseline (NULL: none).
CREATE TABLE outcome_rollup_pain (
    month          TEXT    NOT NULL,
    procedure_type TEXT    NOT NULL,
    timepoint      TEXT    NOT NULL,
    baseline_vas   INTEGER NULL,
    vas            INTEGER NOT NULL,
    n              INTEGER NOT NULL
);
CREATE INDEX ix_outcome_rollup_pain_month ON outcome_rollup_pain (month, procedure_type);

-- Every month with enrollments starts stale: the first read computes them all.
INSERT INTO outcome_months_stale (month) SELECT DISTINCT substr(performed_at, 1, 7) FROM enrollments;

CREATE TRIGGER outcome_stale_enrollment_inserted AFTER INSERT ON enrollments BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month) VALUES (substr(NEW.performed_at, 1, 7));
END;
CREATE TRIGGER outcome_stale_enrollment_updated
AFTER UPDATE OF performed_at, procedure_type, facility, surgeon, baseline_vas ON enrollments BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month) VALUES (substr(OLD.performed_at, 1, 7));
    INSERT OR IGNORE INTO outcome_months_stale (month) VALUES (substr(NEW.performed_at, 1, 7));
END;
CREATE TRIGGER outcome_stale_enrollment_deleted AFTER DELETE ON enrollments BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month) VALUES (substr(OLD.performed_at, 1, 7));
END;

CREATE TRIGGER outcome_stale_survey_inserted AFTER INSERT ON surveys BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM enrollments e WHERE e.id = NEW.enrollment_id;
END;
CREATE TRIGGER outcome_stale_survey_updated
AFTER UPDATE OF enrollment_id, timepoint, vas, msts_total, consensus_class ON surveys BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM enrollments e WHERE e.id IN (OLD.enrollment_id, NEW.enrollment_id);
END;
CREATE TRIGGER outcome_stale_survey_deleted AFTER DELETE ON surveys BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM enrollments e WHERE e.id = OLD.enrollment_id;
END;

-- "Answered" is "has any response": only a response's arrival or removal changes it.
CREATE TRIGGER outcome_stale_response_inserted AFTER INSERT ON responses BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id WHERE s.id = NEW.survey_id;
END;
CREATE TRIGGER outcome_stale_response_deleted AFTER DELETE ON responses BEGIN
    INSERT OR IGNORE INTO outcome_months_stale (month)
    SELECT substr(e.performed_at, 1, 7) FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id WHERE s.id = OLD.survey_id;
END;
