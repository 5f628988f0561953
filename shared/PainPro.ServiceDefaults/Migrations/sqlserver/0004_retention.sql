-- The retention purge (OutboxRetention) finds rows past their retention by these, in small batches.
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX inbox_consumed_at ON inbox (consumed_at);
