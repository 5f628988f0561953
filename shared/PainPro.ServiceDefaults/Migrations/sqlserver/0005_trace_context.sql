-- The W3C traceparent of the transaction that wrote each outbox row: the relay publishes under it, so one causal chain
-- (an intake, a claim batch, a reply) is one trace across services. Null when the writer was not traced.
ALTER TABLE outbox ADD traceparent nvarchar(max) NULL;

-- Where a later chain links back to an earlier one: the intake of an enrollment (its claims, days later, carry a span
-- link to it), the reply that raised an alert (its care-team notice continues that trace). Trace ids only, no data.
CREATE TABLE trace_origins (
    subject_id uniqueidentifier PRIMARY KEY,
    traceparent nvarchar(max) NOT NULL,
    recorded_at datetimeoffset(7) NOT NULL
);
CREATE INDEX trace_origins_recorded_at ON trace_origins (recorded_at);
