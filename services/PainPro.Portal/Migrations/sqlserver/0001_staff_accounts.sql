-- Staff who sign in to the Portal. user_name is stored lower-case so look-ups are case-insensitive on both dialects.
CREATE TABLE staff_accounts (
    account_id      uniqueidentifier        NOT NULL PRIMARY KEY,
    user_name       nvarchar(200)        NOT NULL UNIQUE,
    display_name    nvarchar(max)        NOT NULL,
    role            nvarchar(max)        NOT NULL,
    password_hash   nvarchar(max)        NOT NULL,
    -- Changes whenever the password, role or status changes; signed-in cookies carrying an old stamp are refused.
    security_stamp  nvarchar(max)        NOT NULL,
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    datetimeoffset(7) NULL,
    disabled        bit     NOT NULL DEFAULT 0,
    created_at      datetimeoffset(7) NOT NULL,
    last_sign_in_at datetimeoffset(7) NULL
);

-- Integration API keys issued here (the platform's api_keys table is every service's copy of the accepted hashes). Only the SHA-256 of a key is kept; the key itself is shown once.
CREATE TABLE issued_api_keys (
    key_id     uniqueidentifier        NOT NULL PRIMARY KEY,
    name       nvarchar(max)        NOT NULL,
    sha256     nvarchar(200)        NOT NULL UNIQUE,
    hint       nvarchar(max)        NOT NULL,
    issued_at  datetimeoffset(7) NOT NULL,
    issued_by  nvarchar(max)        NOT NULL,
    revoked_at datetimeoffset(7) NULL,
    revoked_by nvarchar(max)        NULL
);

-- Who did what in the Portal itself (sign-ins, lock-outs, accounts, keys). Alert actions and patient views are
-- audited by the services that own them.
CREATE TABLE audit_log (
    audit_id bigint      IDENTITY(1,1) PRIMARY KEY,
    at       datetimeoffset(7) NOT NULL,
    actor    nvarchar(max)        NOT NULL,
    action   nvarchar(max)        NOT NULL,
    subject  nvarchar(max)        NULL,
    detail   nvarchar(max)        NULL
);
CREATE INDEX ix_audit_log_at ON audit_log (at);
