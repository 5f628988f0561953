CREATE TABLE data_protection_keys (
    name text PRIMARY KEY,
    xml text NOT NULL,
    created_at timestamptz NOT NULL
);
