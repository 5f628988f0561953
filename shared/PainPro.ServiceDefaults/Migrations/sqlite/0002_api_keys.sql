CREATE TABLE api_keys (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT NULL
);
