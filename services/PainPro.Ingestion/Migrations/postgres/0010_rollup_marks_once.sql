-- A reply updates its survey's scores (and a baseline reply its enrollment's): the row triggers of 0008 marked the
-- procedure's month for the row before and again for the row after, two look-ups, two month locks and two inserts for
-- what is almost always one month. An update now marks each distinct month once. (SQLite's and SQL Server's triggers
-- already collect distinct months; their 0010 is empty.)
CREATE OR REPLACE FUNCTION outcome_stale_enrollment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE'
        OR to_char(OLD.performed_at AT TIME ZONE 'UTC', 'YYYY-MM') <> to_char(NEW.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')) THEN
        PERFORM outcome_mark_stale(OLD.performed_at);
    END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM outcome_mark_stale(NEW.performed_at); END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION outcome_stale_survey() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM outcome_mark_stale(e.performed_at) FROM enrollments e WHERE e.id = OLD.enrollment_id;
    ELSIF TG_OP = 'INSERT' OR OLD.enrollment_id = NEW.enrollment_id THEN
        PERFORM outcome_mark_stale(e.performed_at) FROM enrollments e WHERE e.id = NEW.enrollment_id;
    ELSE
        -- Moved to another enrollment: each month once, in month order (writers take month locks in one order).
        PERFORM outcome_mark_stale(m.performed_at) FROM (
            SELECT DISTINCT ON (to_char(e.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')) e.performed_at
            FROM enrollments e WHERE e.id IN (OLD.enrollment_id, NEW.enrollment_id)
            ORDER BY to_char(e.performed_at AT TIME ZONE 'UTC', 'YYYY-MM')) m;
    END IF;
    RETURN NULL;
END $$;
