CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    message_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NULL
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE inbox (
    consumer TEXT NOT NULL,
    message_id TEXT NOT NULL,
    consumed_at TEXT NOT NULL,
    PRIMARY KEY (consumer, message_id)
);
