CREATE TABLE outbox (
    id uuid PRIMARY KEY,
    message_type text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz NULL
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE inbox (
    consumer text NOT NULL,
    message_id uuid NOT NULL,
    consumed_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, message_id)
);
