CREATE TABLE data_protection_keys (
    name nvarchar(200) PRIMARY KEY,
    xml nvarchar(max) NOT NULL,
    created_at datetimeoffset(7) NOT NULL
);
