-- A deliberately broken migration: the ScriptDom check must report it with its file and line.
CREATE TABLE fine (id uniqueidentifier PRIMARY KEY);
GO
CREATE TABLE broken (
    id uniqueidentifier PRIMARY KEY,
    created_at datetimeoffset(7) NOT NULL
)
SELECT id FROM broken LIMIT 10;
