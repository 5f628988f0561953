-- Staff who sign in to the Portal. user_name is stored lower-case so look-ups are case-insensitive on both dialects.
CREATE TABLE staff_accounts (
    account_id      TEXT    NOT NULL PRIMARY KEY,
    user_name       TEXT    NOT NULL UNIQUE,
    display_name    TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    -- Changes whenever the password, role or status changes; signed-in cookies carrying an old stamp are refused.
    security_stamp  TEXT    NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT    NULL,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    last_sign_in_at TEXT    NULL
);

-- Integration API keys issued here (the platform's api_keys table is every service's copy of the accepted hashes). Only the SHA-256 of a key is kept; the key itself is shown once.
CREATE TABLE issued_api_keys (
    key_id     TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    sha256     TEXT NOT NULL UNIQUE,
    hint       TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    issued_by  TEXT NOT NULL,
    revoked_at TEXT NULL,
    revoked_by TEXT NULL
);

-- Who did what in the Portal itself (sign-ins, lock-outs, accounts, keys). Alert actions and patient views are
-- audited by the services that own them.
CREATE TABLE audit_log (
    audit_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at       TEXT    NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    subject  TEXT    NULL,
    detail   TEXT    NULL
);
CREATE INDEX ix_audit_log_at ON audit_log (at);
