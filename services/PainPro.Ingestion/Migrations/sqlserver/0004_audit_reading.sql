-- The audit page lists staff actions and views newest first, across patients.
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE INDEX ix_alert_events_staff_at ON alert_events (at) WHERE actor <> 'system';
