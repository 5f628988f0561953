-- Issue 19: the alert and patient pages list a patient's alerts, resolved ones included.
CREATE INDEX ix_alerts_patient ON alerts (patient_id, raised_at);
-- The evidence that set the alert's severity, in its own words ("Day 3 — severe pain: 9/10 (flag at ≥ 8)"), so the
-- summary keeps saying why the alert is high when newer, milder evidence updates it. Null on alerts raised before.
ALTER TABLE alerts ADD severity_basis nvarchar(max) NULL;
