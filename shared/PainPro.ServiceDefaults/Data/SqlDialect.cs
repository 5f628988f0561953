namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// The few places PostgreSQL and SQLite differ. Everything else is plain SQL both understand
/// (including <c>INSERT … ON CONFLICT</c>, which SQLite has had since 3.24).
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Postgres = new PostgresDialect();
    public static readonly SqlDialect Sqlite = new SqliteDialect();

    public abstract string Name { get; }

    /// <summary>Appended to a claim query: other replicas skip the rows this one holds.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>Whether several processes may write at once (PostgreSQL) or only one (SQLite).</summary>
    public abstract bool SupportsConcurrentWriters { get; }

    /// <summary>
    /// <c>column IN ('…', '…')</c> for a set of GUIDs, written as literals. Safe because a formatted GUID holds only
    /// hex digits and dashes; used instead of a list parameter because Dapper sends arrays natively to PostgreSQL
    /// but expands lists for SQLite without its type handlers, so no one list parameter works on both.
    /// </summary>
    public string InGuids(string column, IEnumerable<Guid> ids)
    {
        var literals = string.Join(", ", ids.Select(id => $"'{id:D}'"));
        return literals.Length == 0 ? "1 = 0" : $"{column} IN ({literals})";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string Name => "postgres";
        public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";
        public override bool SupportsConcurrentWriters => true;
    }

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Name => "sqlite";
        // SQLite has one writer; BEGIN IMMEDIATE already gives the transaction the whole database.
        public override string ForUpdateSkipLocked => "";
        public override bool SupportsConcurrentWriters => false;
    }
}
