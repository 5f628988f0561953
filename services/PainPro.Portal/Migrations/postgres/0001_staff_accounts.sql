-- Staff who sign in to the Portal. user_name is stored lower-case so look-ups are case-insensitive on both dialects.
CREATE TABLE staff_accounts (
    account_id      uuid        NOT NULL PRIMARY KEY,
    user_name       text        NOT NULL UNIQUE,
    display_name    text        NOT NULL,
    role            text        NOT NULL,
    password_hash   text        NOT NULL,
    -- Changes whenever the password, role or status changes; signed-in cookies carrying an old stamp are refused.
    security_stamp  text        NOT NULL,
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz NULL,
    disabled        boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    last_sign_in_at timestamptz NULL
);

-- Integration API keys issued here (the platform's api_keys table is every service's copy of the accepted hashes). Only the SHA-256 of a key is kept; the key itself is shown once.
CREATE TABLE issued_api_keys (
    key_id     uuid        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    sha256     text        NOT NULL UNIQUE,
    hint       text        NOT NULL,
    issued_at  timestamptz NOT NULL,
    issued_by  text        NOT NULL,
    revoked_at timestamptz NULL,
    revoked_by text        NULL
);

-- Who did what in the Portal itself (sign-ins, lock-outs, accounts, keys). Alert actions and patient views are
-- audited by the services that own them.
CREATE TABLE audit_log (
    audit_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL,
    actor    text        NOT NULL,
    action   text        NOT NULL,
    subject  text        NULL,
    detail   text        NULL
);
CREATE INDEX ix_audit_log_at ON audit_log (at);
