-- Issue 19: the quarterly review reads a monthly roll-up of the outcome figures instead of every survey. The roll-up
-- holds, per UTC month of the procedure, exactly the counts the dashboard's queries would compute from surveys,
-- responses and enrollments. Every write to those tables marks its enrollment's month stale (the triggers below, in the
-- writer's own transaction); a reader recomputes the stale months from the same tables before reading
-- (Outcomes/OutcomeRollup.cs). Writers mark a month holding a shared advisory lock on it (key 1919, yyyyMM) until they
-- commit; the recompute takes that lock exclusively, so it waits for writers in flight, and a write that starts after it
-- marks the month stale again once the recompute has committed: no write is ever lost with a mark the recompute clears.
-- Writers do not wait for each other (shared locks, and an existing mark is left alone).
CREATE TABLE outcome_months_stale (
    month text PRIMARY KEY                 -- yyyy-MM of enrollments.performed_at (UTC)
);

-- One row per month × procedure type × cut: dimension 'all' (grp NULL), 'facility' or 'surgeon' (grp the facility or
-- surgeon, NULL when not recorded); timepoint '' holds the enrollment count, the others that timepoint's surveys.
-- reduction is the response reduction (PainPro:Ingestion:Alerts:ResponseReduction) `reduced` was counted with.
CREATE TABLE outcome_rollup (
    month          text   NOT NULL,
    procedure_type text   NOT NULL,
    dimension      text   NOT NULL,
    grp            text   NULL,
    timepoint      text   NOT NULL,
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
    month          text   NOT NULL,
    procedure_type text   NOT NULL,
    timepoint      text   NOT NULL,
    baseline_vas   int    NULL,
    vas            int    NOT NULL,
    n              bigint NOT NULL
);
CREATE INDEX ix_outcome_rollup_pain_month ON outcome_rollup_pain (month, procedure_type);

-- Every month with enrollments starts stale: the first read computes them all.
INSERT INTO outcome_months_stale (month) SELECT DISTINCT to_char(performed_at AT TIME ZONE 'UTC', 'YYYY-MM') FROM enrollments;

CREATE FUNCTION outcome_mark_stale(procedure_at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    stale_month text := to_char(procedure_at AT TIME ZONE 'UTC', 'YYYY-MM');
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1919, replace(stale_month, '-', '')::int);
    INSERT INTO outcome_months_stale (month) VALUES (stale_month) ON CONFLICT DO NOTHING;
END $$;

CREATE FUNCTION outcome_stale_enrollment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM outcome_mark_stale(OLD.performed_at); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM outcome_mark_stale(NEW.performed_at); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION outcome_stale_survey() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM outcome_mark_stale(e.performed_at) FROM enrollments e WHERE e.id = OLD.enrollment_id; END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM outcome_mark_stale(e.performed_at) FROM enrollments e WHERE e.id = NEW.enrollment_id; END IF;
    RETURN NULL;
END $$;

-- "Answered" is "has any response": only a response's arrival or removal changes it.
CREATE FUNCTION outcome_stale_response() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM outcome_mark_stale(e.performed_at) FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id WHERE s.id = OLD.survey_id;
    ELSE
        PERFORM outcome_mark_stale(e.performed_at) FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id WHERE s.id = NEW.survey_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER outcome_stale_enrollment
AFTER INSERT OR DELETE OR UPDATE OF performed_at, procedure_type, facility, surgeon, baseline_vas ON enrollments
FOR EACH ROW EXECUTE FUNCTION outcome_stale_enrollment();

CREATE TRIGGER outcome_stale_survey
AFTER INSERT OR DELETE OR UPDATE OF enrollment_id, timepoint, vas, msts_total, consensus_class ON surveys
FOR EACH ROW EXECUTE FUNCTION outcome_stale_survey();

CREATE TRIGGER outcome_stale_response
AFTER INSERT OR DELETE ON responses
FOR EACH ROW EXECUTE FUNCTION outcome_stale_response();
