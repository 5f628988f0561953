-- The real (system) time a claim was taken: its lease is judged on this, never on the business clock, which in dev
-- may be the simulated clock that jumps days at once while a send is genuinely in flight.
ALTER TABLE deliveries ADD lease_started_at datetimeoffset(7) NULL;
GO
-- Claims taken before this column existed get a full lease from now.
UPDATE deliveries SET lease_started_at = SYSDATETIMEOFFSET() WHERE status = 'claimed';
CREATE INDEX deliveries_claim_lease ON deliveries (lease_started_at) WHERE status = 'claimed';
