using System.Text;
using Dapper;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// The places PostgreSQL, SQLite and SQL Server differ. PostgreSQL and SQLite share most SQL (including
/// <c>INSERT … ON CONFLICT</c>, which SQLite has had since 3.24); SQL Server's T-SQL differs more (<c>TOP</c>/<c>OFFSET …
/// FETCH</c>, <c>OUTPUT</c>, <c>MERGE</c>, table hints), so a statement that differs there branches on
/// <see cref="IsSqlServer"/> and keeps its T-SQL text beside the other.
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Postgres = new PostgresDialect();
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect SqlServer = new SqlServerDialect();

    public bool IsSqlServer => ReferenceEquals(this, SqlServer);

    public bool IsPostgres => ReferenceEquals(this, Postgres);

    public abstract string Name { get; }

    /// <summary>Appended to a claim query: other replicas skip the rows this one holds.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>
    /// The table hint of a claim on SQL Server, written after the claimed table (<c>FROM outbox WITH (…)</c>): other
    /// replicas skip the rows this one holds, and the rows read are locked for update. Empty elsewhere.
    /// </summary>
    public virtual string ClaimHint => "";

    /// <summary>
    /// Appended to a query that locks the rows it reads until the transaction ends, waiting for other writers
    /// (<c>FOR UPDATE</c> on PostgreSQL; SQLite's write transaction already holds the whole database).
    /// </summary>
    public virtual string ForUpdate => "";

    /// <summary>SQL Server's table hint for <see cref="ForUpdate"/>, written after the table; empty elsewhere.</summary>
    public virtual string LockHint => "";

    /// <summary>
    /// <c>LIMIT n</c> (PostgreSQL, SQLite) or <c>OFFSET 0 ROWS FETCH NEXT n ROWS ONLY</c> (SQL Server, which needs an
    /// <c>ORDER BY</c> before it), for the end of a query.
    /// </summary>
    public virtual string Limit(string count) => $"LIMIT {count}";

    /// <summary>
    /// A page of an ordered query: <c>LIMIT l OFFSET o</c>, or on SQL Server <c>OFFSET o ROWS FETCH NEXT l ROWS ONLY</c>.
    /// </summary>
    public virtual string Page(string limit, string offset) => $"LIMIT {limit} OFFSET {offset}";

    /// <summary>
    /// <c>TOP (n)</c> after <c>SELECT</c> on SQL Server, for a query with no order to page by; with
    /// <see cref="LimitUnordered"/> at its end, which says the same to the other dialects.
    /// </summary>
    public virtual string Top(string count) => "";

    /// <summary><c>LIMIT n</c> at the end of a query with no <c>ORDER BY</c>; empty on SQL Server (see <see cref="Top"/>).</summary>
    public virtual string LimitUnordered(string count) => $"LIMIT {count}";

    /// <summary>
    /// <c>RETURNING columns</c>, at the end of an <c>INSERT</c>, <c>UPDATE</c> or <c>DELETE</c>; empty on SQL Server,
    /// which says it with <see cref="Output"/> before the statement's <c>VALUES</c>, <c>FROM</c> or <c>WHERE</c>.
    /// </summary>
    public virtual string Returning(string columns) => $" RETURNING {columns}";

    /// <summary>
    /// SQL Server's <c>OUTPUT inserted.a AS A, inserted.b …</c> of <paramref name="columns"/> (bare columns, each maybe
    /// aliased, as <see cref="Returning"/> takes them) from <paramref name="source"/> (<c>inserted</c> or <c>deleted</c>);
    /// empty elsewhere.
    /// </summary>
    public virtual string Output(string columns, string source = "inserted") => "";

    /// <summary>Seconds since 1970 of an instant column or expression, as a floating-point number.</summary>
    public abstract string EpochSeconds(string instant);

    /// <summary>The UTC month of an instant column or expression, as <c>yyyy-MM</c> text.</summary>
    public abstract string UtcMonth(string instant);

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

    /// <summary>
    /// <c>('a', 'b')</c> for a list of known constants (survey statuses): literal, so PostgreSQL can match the partial
    /// indexes written with them. Never for user input; GUID sets use <see cref="InGuids"/>.
    /// </summary>
    public static string Literals(IEnumerable<string> constants) => "(" + string.Join(", ", constants.Select(v => $"'{v}'")) + ")";

    /// <summary>
    /// "Column is one of these strings" with the strings as a parameter: Dapper expands <c>IN @list</c> into one
    /// parameter per item, except on Npgsql, where it sends the array whole and PostgreSQL needs <c>= ANY(@list)</c>.
    /// </summary>
    public abstract string InStrings(string column, string parameter);

    /// <summary>The most rows one statement built with <see cref="Rows{TRow}"/> should carry; chunk bigger batches.</summary>
    public abstract int RowsPerStatement { get; }

    /// <summary>
    /// How many rows one multi-row <c>INSERT … VALUES</c> built with <see cref="Values{T}"/> should carry. PostgreSQL
    /// saves a network round trip per row. SQLite is in-process, so there is no round trip to save, and it binds each
    /// parameter by a name lookup that grows with the statement: big statements cost it more than they save.
    /// </summary>
    public abstract int RowsPerInsert { get; }

    /// <summary>
    /// <c>(@p0_0, @p0_1, …), (@p1_0, …)</c> and its parameters, for one multi-row <c>INSERT … VALUES</c> instead of a
    /// statement per row; chunk rows by <see cref="RowsPerInsert"/>.
    /// </summary>
    public static (string Values, DynamicParameters Parameters) Values<T>(IReadOnlyList<T> rows, params Func<T, object?>[] columns)
    {
        var sql = new StringBuilder();
        var parameters = new DynamicParameters();
        for (var r = 0; r < rows.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = $"p{r}_{c}";
                sql.Append(c == 0 ? "@" : ", @").Append(name);
                parameters.Add(name, columns[c](rows[r]));
            }
            sql.Append(')');
        }
        return (sql.ToString(), parameters);
    }

    /// <summary>
    /// Rows from .NET as a table one statement can insert from, update from or join: the WITH-clause entry
    /// <c>{name} (column, …) AS (…)</c> and its parameters, e.g.
    /// <c>WITH {table} UPDATE surveys AS s SET next_send_at = v.next FROM v WHERE s.id = v.id</c> for the name <c>v</c>.
    /// A batch then costs one statement instead of one per row.
    /// </summary>
    /// <remarks>
    /// PostgreSQL gets one array parameter per column, through <c>unnest</c>: the text, and so the plan, is the same
    /// whatever the row count. SQLite, which has no arrays, gets a <c>VALUES</c> list with one parameter per cell, so
    /// keep to <see cref="RowsPerStatement"/> rows (its limit is 32,766 parameters).
    /// </remarks>
    public (string Table, DynamicParameters Parameters) Rows<TRow>(string name, IReadOnlyList<TRow> rows, params RowColumn<TRow>[] columns)
    {
        ArgumentOutOfRangeException.ThrowIfZero(columns.Length);
        var parameters = new DynamicParameters();
        var source = RowSource(name, rows, columns, parameters);
        return ($"{name} ({string.Join(", ", columns.Select(c => c.Name))}) AS ({source})", parameters);
    }

    private protected abstract string RowSource<TRow>(string name, IReadOnlyList<TRow> rows, RowColumn<TRow>[] columns, DynamicParameters parameters);

    private sealed class PostgresDialect : SqlDialect
    {
        public override string Name => "postgres";
        public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";
        public override string ForUpdate => " FOR UPDATE";
        public override bool SupportsConcurrentWriters => true;
        public override string InStrings(string column, string parameter) => $"{column} = ANY(@{parameter})";
        public override string EpochSeconds(string instant) => $"extract(epoch from {instant})";
        public override string UtcMonth(string instant) => $"to_char({instant} AT TIME ZONE 'UTC', 'YYYY-MM')";
        // Arrays have no parameter limit; the bound only keeps one statement's payload modest.
        public override int RowsPerStatement => 1000;
        public override int RowsPerInsert => 400;

        private protected override string RowSource<TRow>(string name, IReadOnlyList<TRow> rows, RowColumn<TRow>[] columns, DynamicParameters parameters)
        {
            var arrays = new List<string>(columns.Length);
            foreach (var column in columns)
            {
                var parameter = $"{name}_{column.Name}";
                // Dapper hands arrays to Npgsql whole: uuid[], text[], timestamptz[] …
                parameters.Add(parameter, column.Array(rows));
                arrays.Add("@" + parameter);
            }
            return $"SELECT * FROM unnest({string.Join(", ", arrays)})";
        }
    }

    /// <summary>
    /// SQL Server through Microsoft.Data.SqlClient. Dapper expands list parameters into one parameter per item, so
    /// <c>IN @list</c> works as on SQLite; rows from .NET travel as one JSON parameter read with <c>OPENJSON</c>
    /// (a statement may carry at most 2,100 parameters, and SqlClient has no arrays).
    /// </summary>
    private sealed class SqlServerDialect : SqlDialect
    {
        public override string Name => "sqlserver";
        public override string ForUpdateSkipLocked => "";
        public override string ClaimHint => " WITH (READPAST, UPDLOCK, ROWLOCK)";
        // UPDLOCK reads the latest committed row, not READ COMMITTED SNAPSHOT's version, and holds it to the commit.
        public override string LockHint => " WITH (UPDLOCK, ROWLOCK)";
        public override string Limit(string count) => $"OFFSET 0 ROWS FETCH NEXT {count} ROWS ONLY";
        public override string Page(string limit, string offset) => $"OFFSET {offset} ROWS FETCH NEXT {limit} ROWS ONLY";
        public override string Top(string count) => $"TOP ({count}) ";
        public override string LimitUnordered(string count) => "";
        public override string Returning(string columns) => "";
        public override string Output(string columns, string source = "inserted") =>
            " OUTPUT " + string.Join(", ", columns.Split(',').Select(c => $"{source}.{c.Trim()}"));
        // Milliseconds, so the fraction survives; DATEDIFF_BIG compares datetimeoffset values in UTC.
        public override string EpochSeconds(string instant) => $"(DATEDIFF_BIG(millisecond, CAST('1970-01-01T00:00:00Z' AS datetimeoffset(7)), {instant}) / 1000.0)";
        // Style 126 is ISO 8601, so its first seven characters are yyyy-MM (of the UTC instant, after SWITCHOFFSET).
        public override string UtcMonth(string instant) => $"CONVERT(nvarchar(7), SWITCHOFFSET({instant}, '+00:00'), 126)";
        public override bool SupportsConcurrentWriters => true;
        public override string InStrings(string column, string parameter) => $"{column} IN @{parameter}";
        // One nvarchar(max) parameter whatever the count; the bound keeps one statement's JSON modest.
        public override int RowsPerStatement => 1000;
        // 2,100 parameters per statement: room for 20 rows of up to 100 columns.
        public override int RowsPerInsert => 20;

        private protected override string RowSource<TRow>(string name, IReadOnlyList<TRow> rows, RowColumn<TRow>[] columns, DynamicParameters parameters)
        {
            var json = new System.Text.Json.Nodes.JsonArray();
            foreach (var row in rows)
            {
                var item = new System.Text.Json.Nodes.JsonObject();
                foreach (var column in columns)
                    item[column.Name] = System.Text.Json.Nodes.JsonValue.Create(JsonCell(column.Cell(row)));
                json.Add(item);
            }
            parameters.Add(name, json.ToJsonString(), System.Data.DbType.String);
            var with = string.Join(", ", columns.Select(c => $"{c.Name} {SqlServerType(c.ValueType)} '$.{c.Name}'"));
            return $"SELECT {string.Join(", ", columns.Select(c => c.Name))} FROM OPENJSON(@{name}) WITH ({with})";
        }

        // OPENJSON converts ISO 8601 text to datetimeoffset and GUID text to uniqueidentifier.
        private static object? JsonCell(object? value) => value switch
        {
            DateTimeOffset instant => instant.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            Guid id => id.ToString("D"),
            Enum e => e.ToString(),
            _ => value,
        };

        internal static string SqlServerType(Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            return t == typeof(Guid) ? "uniqueidentifier"
                : t == typeof(DateTimeOffset) ? "datetimeoffset(7)"
                : t == typeof(int) ? "int"
                : t == typeof(long) ? "bigint"
                : t == typeof(short) ? "smallint"
                : t == typeof(bool) ? "bit"
                : t == typeof(double) ? "float"
                : t == typeof(decimal) ? "decimal(38, 10)"
                : t == typeof(DateOnly) ? "date"
                : "nvarchar(max)";
        }
    }

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Name => "sqlite";
        // SQLite has one writer; BEGIN IMMEDIATE already gives the transaction the whole database.
        public override string ForUpdateSkipLocked => "";
        public override bool SupportsConcurrentWriters => false;
        public override string InStrings(string column, string parameter) => $"{column} IN @{parameter}";
        // Instants are fixed-width UTC text.
        public override string EpochSeconds(string instant) => $"((julianday({instant}) - 2440587.5) * 86400.0)";
        public override string UtcMonth(string instant) => $"substr({instant}, 1, 7)";
        public override int RowsPerInsert => 20;
        // In-process, so there is no round trip to save beyond the statement's own overhead, and each parameter is
        // bound by a name lookup that grows with the statement: a hundred rows is past the point of diminishing returns.
        public override int RowsPerStatement => 100;

        // SQLITE_MAX_VARIABLE_NUMBER's default since 3.32.
        private const int MaxParameters = 32_766;

        private protected override string RowSource<TRow>(string name, IReadOnlyList<TRow> rows, RowColumn<TRow>[] columns, DynamicParameters parameters)
        {
            if (rows.Count * columns.Length > MaxParameters)
                throw new ArgumentOutOfRangeException(nameof(rows), rows.Count,
                    $"{rows.Count} rows of {columns.Length} columns exceed SQLite's {MaxParameters} parameters; chunk by {nameof(RowsPerStatement)}.");
            // VALUES needs at least one row: an empty batch is a query that yields none.
            if (rows.Count == 0) return "SELECT " + string.Join(", ", columns.Select(_ => "NULL")) + " WHERE 0";
            var sql = new StringBuilder("VALUES ");
            for (var r = 0; r < rows.Count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var parameter = $"{name}{r}_{c}";
                    parameters.Add(parameter, columns[c].Cell(rows[r]));
                    sql.Append(c == 0 ? "@" : ", @").Append(parameter);
                }
                sql.Append(')');
            }
            return sql.ToString();
        }
    }
}
