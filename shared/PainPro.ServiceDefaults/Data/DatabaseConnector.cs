using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// Opens connections for a service's own store: a schema of one PostgreSQL or SQL Server database, or one SQLite file.
/// Services never read each other's tables, so each gets its own schema or file.
/// </summary>
/// <remarks>
/// SQL Server resolves an unqualified table name in the user's default schema, which is fixed per user, not per
/// connection. So each service has a database user without login whose default schema is the service's
/// (<c>painpro_scheduling</c> → <c>scheduling</c>; the migration runner creates both), and its connections act as that
/// user (<c>EXECUTE AS USER</c>). Each service has its own connection pool (its schema in the application name), so a
/// pooled connection only ever acts as its own service's user.
/// </remarks>
public sealed partial class DatabaseConnector : IAsyncDisposable
{
    private readonly PainProOptions options;
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> dataSources = new();

    private readonly DatabaseStartup? startup;

    /// <param name="startup">Hosts have one: connections fail as an outage until the start-up work reached the database.</param>
    public DatabaseConnector(IOptions<PainProOptions> options, DatabaseStartup? startup = null)
    {
        this.options = options.Value;
        this.startup = startup;
        TypeHandlers.Register();
        Dialect = this.options.Database.Provider.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" or "npgsql" => SqlDialect.Postgres,
            "sqlite" => SqlDialect.Sqlite,
            "sqlserver" or "mssql" or "azuresql" => SqlDialect.SqlServer,
            var other => throw new InvalidOperationException(
                $"PainPro:Database:Provider '{other}' is not supported; use 'sqlite', 'postgres' or 'sqlserver'."),
        };
        if (Dialect != SqlDialect.Sqlite && string.IsNullOrWhiteSpace(this.options.Database.ConnectionString))
            throw new InvalidOperationException($"PainPro:Database:ConnectionString is required when the provider is '{Dialect.Name}'.");
        if (Dialect.IsSqlServer)
        {
            SqlConnectionStringBuilder csb;
            try { csb = new SqlConnectionStringBuilder(this.options.Database.ConnectionString); }
            catch (ArgumentException ex)
            {
                // The builder's message names the keyword, never the value: no password in the error.
                throw new InvalidOperationException($"PainPro:Database:ConnectionString is not a SQL Server connection string: {ex.Message}");
            }
            if (csb.Encrypt == SqlConnectionEncryptOption.Optional && !this.options.Dev.Enabled)
                throw new InvalidOperationException(
                    "PainPro:Database:ConnectionString turns encryption off (Encrypt=False): patients' data would cross the network in clear. " +
                    "Use Encrypt=True (SqlClient's default) or Encrypt=Strict; only dev mode (PainPro:Dev:Enabled) accepts it.");
        }
    }

    public SqlDialect Dialect { get; }

    public Task<DbConnection> OpenAsync(string schema, CancellationToken ct)
    {
        startup?.ThrowIfWaiting();
        return OpenUngatedAsync(schema, ct);
    }

    /// <summary>For the start-up work itself (migrations, Hangfire's schema), which runs before the gate opens.</summary>
    internal async Task<DbConnection> OpenUngatedAsync(string schema, CancellationToken ct)
    {
        if (Dialect == SqlDialect.Postgres)
            return await dataSources.GetOrAdd(schema, CreateDataSource).OpenConnectionAsync(ct);
        if (Dialect.IsSqlServer)
        {
            var sql = new SqlConnection(SqlServerConnectionString(options.Database.ConnectionString!, schema));
            try
            {
                await sql.OpenAsync(ct);
                await using var impersonate = sql.CreateCommand();
                // Skipped when the pooled connection still acts as the user (a reset may or may not have reverted it).
                impersonate.CommandText = $"IF USER_NAME() <> N'{SqlServerUser(schema)}' EXECUTE AS USER = N'{SqlServerUser(schema)}';";
                await impersonate.ExecuteNonQueryAsync(ct);
                return sql;
            }
            catch
            {
                await sql.DisposeAsync();
                throw;
            }
        }

        var connection = new SqliteConnection(SqliteConnectionString(schema));
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        // WAL lets readers run beside the single writer; NORMAL sync is durable at each checkpoint and far faster.
        // secure_delete overwrites deleted rows, so purged personal data does not linger in free pages.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA secure_delete=ON;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>Where the service's data lives, for logs and errors (no password).</summary>
    /// <summary>The database server (or SQLite directory) of every schema, for start-up errors: no user, no password.</summary>
    public string DescribeServer() =>
        Dialect == SqlDialect.Postgres ? $"PostgreSQL at {new NpgsqlConnectionStringBuilder(options.Database.ConnectionString).Host}"
        : Dialect.IsSqlServer ? $"SQL Server {DescribeSqlServer(options.Database.ConnectionString!)}"
        : $"SQLite in {options.DataDirectory}";

    public string Describe(string schema) =>
        Dialect == SqlDialect.Postgres ? $"postgres schema '{schema}' on {new NpgsqlConnectionStringBuilder(options.Database.ConnectionString) { Password = null }.Host}"
        : Dialect.IsSqlServer ? $"sqlserver schema '{schema}' on {DescribeSqlServer(options.Database.ConnectionString!)}"
        : $"sqlite file {SqliteFile(schema)}";

    /// <summary>The server and database of a SQL Server connection string: never its user or password.</summary>
    public static string DescribeSqlServer(string connectionString)
    {
        var csb = new SqlConnectionStringBuilder(connectionString);
        return string.IsNullOrEmpty(csb.InitialCatalog) ? $"'{csb.DataSource}'" : $"'{csb.DataSource}' database '{csb.InitialCatalog}'";
    }

    /// <summary>
    /// Opens a connection as the operator's login itself, not as a service's user: for the migration runner (which
    /// creates schemas and users) and Hangfire's storage.
    /// </summary>
    internal async Task<SqlConnection> OpenSqlServerOwnerAsync(CancellationToken ct)
    {
        var sql = new SqlConnection(options.Database.ConnectionString);
        try { await sql.OpenAsync(ct); return sql; }
        catch { await sql.DisposeAsync(); throw; }
    }

    /// <summary>The database user a service's connections act as on SQL Server.</summary>
    public static string SqlServerUser(string schema)
    {
        if (!SchemaName().IsMatch(schema)) throw new ArgumentException($"'{schema}' is not a schema name PainPro uses.", nameof(schema));
        return "painpro_" + schema;
    }

    /// <summary>The operator's connection string with the service's own pool (its schema in the application name).</summary>
    public static string SqlServerConnectionString(string configured, string schema)
    {
        var csb = new SqlConnectionStringBuilder(configured);
        csb.ApplicationName = (string.IsNullOrEmpty(csb.ApplicationName) || csb.ApplicationName == "Core Microsoft SqlClient Data Provider" ? "PainPro" : csb.ApplicationName) + "/" + schema;
        return csb.ConnectionString;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial System.Text.RegularExpressions.Regex SchemaName();

    private NpgsqlDataSource CreateDataSource(string schema) =>
        new NpgsqlDataSourceBuilder(ServiceConnectionString(options.Database.ConnectionString!, schema)).Build();

    /// <summary>
    /// A service schema's connections, as <see cref="PostgresConnectionString"/>, and not reset when they go back to the
    /// pool unless the operator's string says so: the reset is three statements (session authorisation, <c>RESET ALL</c>,
    /// advisory unlock) sent with the next use, on every one of the several opens a message costs, and PainPro leaves
    /// nothing on a session to reset — no <c>SET</c>, and its session advisory locks are released explicitly (a
    /// connection that may still hold one is discarded, <see cref="Jobs.DueWorkTurns"/>). Hangfire's schema keeps the reset.
    /// </summary>
    internal static string ServiceConnectionString(string configured, string schema)
    {
        var csb = new NpgsqlConnectionStringBuilder(PostgresConnectionString(configured, schema));
        if (schema != Jobs.JobsOptions.Schema && !NoResetSetting().IsMatch(configured)) csb.NoResetOnClose = true;
        return csb.ConnectionString;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"no\s*reset\s*on\s*close", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex NoResetSetting();

    /// <summary>
    /// The operator's connection string, in the service's schema, with statements auto-prepared unless it says
    /// otherwise: the services run the same few statements thousands of times, and preparing them spares PostgreSQL
    /// parsing and planning each one (a third of its CPU on the reply path). Behind PgBouncer in transaction mode
    /// older than 1.21 (or without <c>max_prepared_statements</c>), set <c>Max Auto Prepare=0</c>.
    /// </summary>
    public static string PostgresConnectionString(string configured, string schema)
    {
        var csb = new NpgsqlConnectionStringBuilder(configured) { SearchPath = schema };
        if (!AutoPrepareSetting().IsMatch(configured))
        {
            csb.MaxAutoPrepare = 64;
            csb.AutoPrepareMinUsages = 2;
        }
        return csb.ConnectionString;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"max\s*auto\s*prepare", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex AutoPrepareSetting();

    private string SqliteFile(string schema) => Path.GetFullPath(Path.Combine(options.DataDirectory, schema + ".db"));

    private string SqliteConnectionString(string schema)
    {
        var file = SqliteFile(schema);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        return new SqliteConnectionStringBuilder { DataSource = file, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in dataSources.Values) await source.DisposeAsync();
        dataSources.Clear();
    }
}
