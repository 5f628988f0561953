-- A reply writes its answer, its survey's scores and its alert: three row triggers, each marking the same month (a
-- look-up, the month's shared lock and an insert). A transaction now marks a month once: the first mark holds the
-- lock until the transaction ends and its row is written, so a second mark would change nothing. The months a
-- transaction has marked are kept in a transaction-local setting (gone at commit or rollback). The recompute runs in
-- transactions of its own (Outcomes/OutcomeRollup.cs), never in a writer's, so no mark it clears is remembered here.
CREATE OR REPLACE FUNCTION outcome_mark_stale(procedure_at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    stale_month text := to_char(procedure_at AT TIME ZONE 'UTC', 'YYYY-MM');
    marked text := coalesce(current_setting('painpro.outcome_months_marked', true), '');
BEGIN
    IF position(stale_month || ',' IN marked) > 0 THEN RETURN; END IF;
    PERFORM pg_advisory_xact_lock_shared(1919, replace(stale_month, '-', '')::int);
    INSERT INTO outcome_months_stale (month) VALUES (stale_month) ON CONFLICT DO NOTHING;
    PERFORM set_config('painpro.outcome_months_marked', marked || stale_month || ',', true);
END $$;
