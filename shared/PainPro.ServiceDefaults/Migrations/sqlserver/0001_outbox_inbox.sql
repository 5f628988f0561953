CREATE TABLE outbox (
    id uniqueidentifier PRIMARY KEY,
    message_type nvarchar(max) NOT NULL,
    body nvarchar(max) NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    sent_at datetimeoffset(7) NULL,
    -- SQL Server orders uniqueidentifier by its last bytes, so UUIDv7 ids are not in time order here: the relay
    -- publishes in the order of this sequence instead.
    seq bigint IDENTITY(1,1) NOT NULL
);
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

CREATE TABLE inbox (
    consumer nvarchar(200) NOT NULL,
    message_id uniqueidentifier NOT NULL,
    consumed_at datetimeoffset(7) NOT NULL,
    PRIMARY KEY (consumer, message_id)
);
