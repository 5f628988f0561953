using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// Opens connections for a service's own store: a schema of one PostgreSQL database, or one SQLite file.
/// Services never read each other's tables, so each gets its own schema or file.
/// </summary>
public sealed partial class DatabaseConnector : IAsyncDisposable
{
    private readonly PainProOptions options;
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> dataSources = new();

    public DatabaseConnector(IOptions<PainProOptions> options)
    {
        this.options = options.Value;
        TypeHandlers.Register();
        Dialect = this.options.Database.Provider.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" or "npgsql" => SqlDialect.Postgres,
            "sqlite" => SqlDialect.Sqlite,
            var other => throw new InvalidOperationException(
                $"PainPro:Database:Provider '{other}' is not supported; use 'sqlite' or 'postgres'."),
        };
        if (Dialect == SqlDialect.Postgres && string.IsNullOrWhiteSpace(this.options.Database.ConnectionString))
            throw new InvalidOperationException("PainPro:Database:ConnectionString is required when the provider is 'postgres'.");
    }

    public SqlDialect Dialect { get; }

    public async Task<DbConnection> OpenAsync(string schema, CancellationToken ct)
    {
        if (Dialect == SqlDialect.Postgres)
            return await dataSources.GetOrAdd(schema, CreateDataSource).OpenConnectionAsync(ct);

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
    public string Describe(string schema) => Dialect == SqlDialect.Postgres
        ? $"postgres schema '{schema}' on {new NpgsqlConnectionStringBuilder(options.Database.ConnectionString) { Password = null }.Host}"
        : $"sqlite file {SqliteFile(schema)}";

    private NpgsqlDataSource CreateDataSource(string schema) =>
        new NpgsqlDataSourceBuilder(PostgresConnectionString(options.Database.ConnectionString!, schema)).Build();

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
