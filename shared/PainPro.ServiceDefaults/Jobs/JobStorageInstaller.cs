using Dapper;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>
/// Creates or upgrades Hangfire's PostgreSQL or SQL Server schema before the server starts, under an advisory lock
/// (<c>sp_getapplock</c> on SQL Server), so replicas (and services) starting together against one database never run its
/// install script twice at once.
/// </summary>
internal sealed class JobStorageInstaller(DatabaseConnector connector, DatabaseStartup startup) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        connector.Dialect == SqlDialect.Sqlite ? Task.CompletedTask
        : startup.RunAsync("Installing Hangfire's schema", connector.DescribeServer(), InstallAsync, cancellationToken);

    private async Task InstallAsync(CancellationToken cancellationToken)
    {
        if (connector.Dialect.IsSqlServer)
        {
            await using var sql = await connector.OpenSqlServerOwnerAsync(cancellationToken);
            var key = "painpro-migrations:" + JobsOptions.Schema;
            await sql.ExecuteAsync(MigrationRunner.SqlServerStatements.Lock, new { lockKey = key }, commandTimeout: 0);
            try { Hangfire.SqlServer.SqlServerObjectsInstaller.Install(sql, JobsOptions.Schema); }
            finally { await sql.ExecuteAsync(MigrationRunner.SqlServerStatements.Unlock, new { lockKey = key }); }
            return;
        }
        if (connector.Dialect != SqlDialect.Postgres) return;
        await using var connection = (NpgsqlConnection)await connector.OpenUngatedAsync(JobsOptions.Schema, cancellationToken);
        const string lockKey = "painpro-migrations:" + JobsOptions.Schema;
        await connection.ExecuteAsync("SELECT pg_advisory_lock(hashtext(@lockKey))", new { lockKey });
        try { PostgreSqlObjectsInstaller.Install(connection, JobsOptions.Schema); }
        finally { await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtext(@lockKey))", new { lockKey }); }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
