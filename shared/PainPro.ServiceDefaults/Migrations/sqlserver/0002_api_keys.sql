CREATE TABLE api_keys (
    sha256 nvarchar(200) PRIMARY KEY,
    name nvarchar(max) NOT NULL,
    issued_at datetimeoffset(7) NOT NULL,
    revoked_at datetimeoffset(7) NULL
);
