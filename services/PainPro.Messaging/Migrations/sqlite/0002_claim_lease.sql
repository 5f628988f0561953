-- The real (system) time a claim was taken: its lease is judged on this, never on the business clock, which in dev
-- may be the simulated clock that jumps days at once while a send is genuinely in flight.
ALTER TABLE deliveries ADD COLUMN lease_started_at TEXT NULL;
-- Claims taken before this column existed get a full lease from now (in the fixed-width UTC text instants are kept in).
UPDATE deliveries SET lease_started_at = strftime('%Y-%m-%dT%H:%M:%f0000+00:00', 'now') WHERE status = 'claimed';
CREATE INDEX deliveries_claim_lease ON deliveries (lease_started_at) WHERE status = 'claimed';
