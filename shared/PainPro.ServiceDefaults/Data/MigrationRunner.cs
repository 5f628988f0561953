using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// Applies numbered <c>.sql</c> files embedded as <c>migrations/{dialect}/NNNN_name.sql</c>:
/// first the platform's own (outbox, inbox), then the service's. Runs under a lock so replicas starting
/// together apply each file once: a PostgreSQL advisory lock, or SQLite's single writer.
/// </summary>
public sealed partial class MigrationRunner(ILogger<MigrationRunner> logger)
{
    private const string PlatformSource = "platform";

    [GeneratedRegex(@"^migrations/(?<dialect>[a-z]+)/(?<version>\d{4})_(?<name>[\w-]+)\.sql$")]
    private static partial Regex ResourceName();

    public async Task MigrateAsync(ServiceDatabase db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var lockKey = "painpro-migrations:" + db.Schema;
        if (db.Dialect == SqlDialect.Postgres)
        {
            // Keyed by schema so services migrate in parallel. A session lock outlives the pooled connection's
            // return to the pool, so it is released explicitly below.
            await connection.ExecuteAsync("SELECT pg_advisory_lock(hashtext(@lockKey))", new { lockKey });
            await connection.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS \"{db.Schema}\"");
        }
        try
        {
            await ApplyPendingAsync(db, connection, ct);
        }
        finally
        {
            if (db.Dialect == SqlDialect.Postgres)
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtext(@lockKey))", new { lockKey });
        }
    }

    private async Task ApplyPendingAsync(ServiceDatabase db, System.Data.Common.DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(db.Dialect == SqlDialect.Postgres
            ? "CREATE TABLE IF NOT EXISTS schema_migrations (source text NOT NULL, version int NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (source, version))"
            : "CREATE TABLE IF NOT EXISTS schema_migrations (source TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (source, version))");

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
}

/// <summary>Migrates every service database before anything else starts (hosted services start in order).</summary>
internal sealed class MigrationHostedService(IEnumerable<ServiceDatabase> databases, MigrationRunner runner) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var db in databases) await runner.MigrateAsync(db, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
