CREATE TABLE api_keys (
    sha256 text PRIMARY KEY,
    name text NOT NULL,
    issued_at timestamptz NOT NULL,
    revoked_at timestamptz NULL
);
