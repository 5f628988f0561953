using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// Applies numbered <c>.sql</c> files embedded as <c>migrations/{dialect}/NNNN_name.sql</c>:
/// first the platform's own (outbox, inbox), then the service's. Runs under a lock so replicas starting
/// together apply each file once: a PostgreSQL advisory lock, SQL Server's <c>sp_getapplock</c>, or SQLite's single writer.
/// </summary>
/// <remarks>
/// On SQL Server a migration file may hold several batches separated by lines of <c>GO</c> (a batch is compiled whole,
/// so a column added in one is used in the next); they run in one transaction. Before migrating, the runner checks the
/// database's isolation (<see cref="SqlServerIsolation"/>), and creates the service's schema and its user
/// (<see cref="DatabaseConnector.SqlServerUser"/>) as the operator's login, then applies the files as that user so the
/// platform's tables land in each service's schema like on PostgreSQL.
/// </remarks>
public sealed partial class MigrationRunner(ILogger<MigrationRunner> logger)
{
    private const string PlatformSource = "platform";

    [GeneratedRegex(@"^migrations/(?<dialect>[a-z]+)/(?<version>\d{4})_(?<name>[\w-]+)\.sql$")]
    private static partial Regex ResourceName();

    public async Task MigrateAsync(ServiceDatabase db, CancellationToken ct)
    {
        if (db.Dialect.IsSqlServer)
        {
            await MigrateSqlServerAsync(db, ct);
            return;
        }
        await using var connection = await db.OpenForMigrationAsync(ct);
        var lockKey = "painpro-migrations:" + db.Schema;
        if (db.Dialect == SqlDialect.Postgres)
        {
            // Keyed by schema so services migrate in parallel. A session lock outlives the pooled connection's
            // return to the pool, so it is released explicitly below.
            await connection.ExecuteAsync(PostgresStatements.Lock, new { lockKey });
            await connection.ExecuteAsync(PostgresStatements.CreateSchema(db.Schema));
        }
        try
        {
            await ApplyPendingAsync(db, connection, ct);
        }
        finally
        {
            if (db.Dialect == SqlDialect.Postgres)
                await connection.ExecuteAsync(PostgresStatements.Unlock, new { lockKey });
        }
    }

    /// <summary>The statements the runner itself runs on SQL Server (ScriptDom parses each in the tests).</summary>
    internal static class SqlServerStatements
    {
        public const string Lock =
            "DECLARE @result int; EXEC @result = sp_getapplock @Resource = @lockKey, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = -1; IF @result < 0 THROW 50000, 'sp_getapplock failed', 1;";
        public const string Unlock = "EXEC sp_releaseapplock @Resource = @lockKey, @LockOwner = 'Session';";

        /// <summary>The schema, its user without login (default schema: its own) and what the user may do there.</summary>
        public static string SchemaAndUser(string schema, string user) => $"""
            IF SCHEMA_ID(N'{schema}') IS NULL EXEC (N'CREATE SCHEMA [{schema}]');
            IF DATABASE_PRINCIPAL_ID(N'{user}') IS NULL EXEC (N'CREATE USER [{user}] WITHOUT LOGIN WITH DEFAULT_SCHEMA = [{schema}]');
            GRANT CONTROL ON SCHEMA::[{schema}] TO [{user}];
            GRANT CREATE TABLE, CREATE VIEW, CREATE FUNCTION, CREATE PROCEDURE TO [{user}];
            """;

        public static string Impersonate(string user) => $"EXECUTE AS USER = N'{user}';";
        public const string Revert = "REVERT;";

        public const string CreateSchemaMigrations =
            "IF OBJECT_ID(N'schema_migrations', N'U') IS NULL CREATE TABLE schema_migrations (source nvarchar(128) NOT NULL, version int NOT NULL, name nvarchar(256) NOT NULL, applied_at datetimeoffset(7) NOT NULL DEFAULT SYSDATETIMEOFFSET(), PRIMARY KEY (source, version))";

        public const string ReadCommittedSnapshot =
            "SELECT CAST(is_read_committed_snapshot_on AS int) FROM sys.databases WHERE database_id = DB_ID()";
    }

    /// <summary>Splits a T-SQL script at lines holding only <c>GO</c>, as sqlcmd and SSMS do.</summary>
    internal static IReadOnlyList<string> SqlServerBatches(string script) =>
        BatchSeparator().Split(script).Select(b => b.Trim()).Where(b => b.Length > 0 && !OnlyComments().IsMatch(b)).ToList();

    [GeneratedRegex(@"^[ \t]*GO[ \t]*(?:--[^\r\n]*)?\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex BatchSeparator();

    [GeneratedRegex(@"^(\s*--[^\n]*\n?)*\s*$")]
    private static partial Regex OnlyComments();

    private async Task MigrateSqlServerAsync(ServiceDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenOwnerAsync(ct);
        var lockKey = "painpro-migrations:" + db.Schema;
        var user = DatabaseConnector.SqlServerUser(db.Schema);
        await SqlServerIsolation.CheckAsync(connection, db.Describe());
        await connection.ExecuteAsync(SqlServerStatements.Lock, new { lockKey }, commandTimeout: 0);
        try
        {
            await connection.ExecuteAsync(SqlServerStatements.SchemaAndUser(db.Schema, user));
            await connection.ExecuteAsync(SqlServerStatements.Impersonate(user));
            try { await ApplyPendingAsync(db, connection, ct); }
            finally { await connection.ExecuteAsync(SqlServerStatements.Revert); }
        }
        finally
        {
            await connection.ExecuteAsync(SqlServerStatements.Unlock, new { lockKey });
        }
    }

    private async Task ApplyPendingAsync(ServiceDatabase db, System.Data.Common.DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(
            db.Dialect == SqlDialect.Postgres ? PostgresStatements.CreateSchemaMigrations
            : db.Dialect.IsSqlServer ? SqlServerStatements.CreateSchemaMigrations
            : SqliteStatements.CreateSchemaMigrations);

        var applied = 0;
        foreach (var (source, assembly) in new[] { (PlatformSource, typeof(MigrationRunner).Assembly), (db.Schema, db.MigrationsAssembly) })
        {
            foreach (var migration in Discover(assembly, db.Dialect.Name))
            {
                // SQLite: BEGIN IMMEDIATE takes the write lock before the check, so concurrent runners serialise here.
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var done = await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM schema_migrations WHERE source = @source AND version = @Version",
                    new { source, migration.Version }, transaction);
                if (done > 0) { await transaction.RollbackAsync(ct); continue; }

                logger.LogInformation("Applying migration {Source}/{Version:D4}_{Name} to {Database}",
                    source, migration.Version, migration.Name, db.Describe());
                if (db.Dialect.IsSqlServer)
                    foreach (var batch in SqlServerBatches(migration.Sql))
                        await connection.ExecuteAsync(batch, transaction: transaction, commandTimeout: 0);
                else
                    await connection.ExecuteAsync(migration.Sql, transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (source, version, name) VALUES (@source, @Version, @Name)",
                    new { source, migration.Version, migration.Name }, transaction);
                await transaction.CommitAsync(ct);
                applied++;
            }
        }
        if (applied == 0) logger.LogInformation("Database {Database} is up to date", db.Describe());
    }

    internal static IReadOnlyList<Migration> Discover(Assembly assembly, string dialect)
    {
        var migrations = assembly.GetManifestResourceNames()
            .Select(name => (name, match: ResourceName().Match(name.Replace('\\', '/'))))
            .Where(x => x.match.Success && x.match.Groups["dialect"].Value == dialect)
            .Select(x => new Migration(int.Parse(x.match.Groups["version"].Value), x.match.Groups["name"].Value, Read(assembly, x.name)))
            .OrderBy(m => m.Version)
            .ToList();
        // Two files with one number (two branches merged) would apply only the first: refuse to start instead.
        if (migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new InvalidOperationException(
                $"{assembly.GetName().Name} has {clash.Count()} {dialect} migrations numbered {clash.Key:D4} ({string.Join(", ", clash.Select(m => m.Name))}); renumber one.");
        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal sealed record Migration(int Version, string Name, string Sql);

    // The other dialects' own statements, by dialect like SQL Server's (the T-SQL scan leaves Postgres*/Sqlite* types out).
    private static class PostgresStatements
    {
        public const string Lock = "SELECT pg_advisory_lock(hashtext(@lockKey))";
        public const string Unlock = "SELECT pg_advisory_unlock(hashtext(@lockKey))";
        public static string CreateSchema(string schema) => $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"";
        public const string CreateSchemaMigrations =
            "CREATE TABLE IF NOT EXISTS schema_migrations (source text NOT NULL, version int NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (source, version))";
    }

    private static class SqliteStatements
    {
        public const string CreateSchemaMigrations =
            "CREATE TABLE IF NOT EXISTS schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (source, version))";
    }
}

/// <summary>
/// Migrates every service database before anything else starts (hosted services start in order); when the database
/// cannot be reached, in the background while the host starts (<see cref="DatabaseStartup"/>).
/// </summary>
internal sealed class MigrationHostedService(IEnumerable<ServiceDatabase> databases, MigrationRunner runner, DatabaseStartup startup) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var db in databases)
            await startup.RunAsync($"Migrating {db.Describe()}", db.DescribeServer(), ct => runner.MigrateAsync(db, ct), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
