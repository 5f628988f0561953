using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Data;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>Start-up against a database that is not there yet, and the SQL Server connection string's safety checks.</summary>
public class DatabaseStartupTests
{
    private static DatabaseConnector SqlServer(string connectionString, bool dev = false, DatabaseStartup? startup = null) =>
        new(Options.Create(new PainProOptions { Database = { Provider = "sqlserver", ConnectionString = connectionString }, Dev = { Enabled = dev } }), startup);

    [Fact]
    public async Task Until_the_start_up_work_reaches_the_database_every_connection_fails_as_an_outage_and_afterwards_none_does()
    {
        var startup = new DatabaseStartup(new Lifetime(), NullLogger<DatabaseStartup>.Instance);
        var directory = Directory.CreateTempSubdirectory("painpro-startup-");
        var connector = new DatabaseConnector(Options.Create(new PainProOptions { Database = { Provider = "sqlite" }, DataDirectory = directory.FullName }), startup);
        var attempts = 0;

        var started = startup.RunAsync("Migrating", "SQL Server 'db.example,1433'", _ =>
            ++attempts == 1 ? throw new TimeoutException("Connect Timeout expired") : Task.CompletedTask, CancellationToken.None);

        Assert.True(started.IsCompletedSuccessfully, "start-up waited for the database instead of going on");
        var refused = await Assert.ThrowsAsync<DatabaseNotReadyException>(() => connector.OpenAsync("scheduling", CancellationToken.None));
        Assert.True(DatabaseOutage.IsOutage(refused));
        Assert.Contains("SQL Server 'db.example,1433'", refused.Message);
        Assert.Contains("Connect Timeout expired", refused.Message);
        await Eventually.TrueAsync(() => Task.FromResult(startup.Waiting is null), "the retry to reach the database");
        Assert.Equal(2, attempts);
        await using (await connector.OpenAsync("scheduling", CancellationToken.None)) { }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Work_registered_while_the_database_is_unreachable_runs_after_the_work_before_it_in_order()
    {
        var startup = new DatabaseStartup(new Lifetime(), NullLogger<DatabaseStartup>.Instance);
        var order = new List<string>();
        var migrationAttempts = 0;

        await startup.RunAsync("migrations", "server", _ =>
        {
            if (++migrationAttempts < 3) throw new TimeoutException("unreachable");
            order.Add("migrations");
            return Task.CompletedTask;
        }, CancellationToken.None);
        await startup.RunAsync("hangfire", "server", _ => { order.Add("hangfire"); return Task.CompletedTask; }, CancellationToken.None);

        Assert.Empty(order);
        await Eventually.TrueAsync(() => Task.FromResult(startup.Waiting is null), "the start-up work to finish");
        Assert.Equal(["migrations", "hangfire"], order);
    }

    [Fact]
    public void A_refused_socket_under_a_database_client_exception_is_an_outage() =>
        // SqlClient on Linux reports a refused connection as SqlException 35 around a SocketException.
        Assert.True(DatabaseOutage.IsOutage(new InvalidOperationException("error: 35 - An internal exception was caught",
            new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))));

    [Fact]
    public async Task A_failure_that_is_not_an_outage_still_stops_start_up()
    {
        var startup = new DatabaseStartup(new Lifetime(), NullLogger<DatabaseStartup>.Instance);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => startup.RunAsync("migrations", "server",
            _ => throw new InvalidOperationException("READ_COMMITTED_SNAPSHOT is OFF"), CancellationToken.None));

        Assert.Contains("READ_COMMITTED_SNAPSHOT", refused.Message);
        Assert.Null(startup.Waiting);
    }

    [Fact]
    public void A_sql_server_connection_string_with_encryption_off_is_refused_outside_dev_mode()
    {
        const string plain = "Server=tcp:sql.example.org,1433;Database=painpro;User ID=painpro;Password=Secret-123;Encrypt=False";

        var refused = Assert.Throws<InvalidOperationException>(() => SqlServer(plain));

        Assert.Contains("Encrypt=False", refused.Message);
        Assert.DoesNotContain("Secret-123", refused.Message);
        Assert.Equal(SqlDialect.SqlServer, SqlServer(plain, dev: true).Dialect);
        Assert.Equal(SqlDialect.SqlServer, SqlServer(plain.Replace("Encrypt=False", "Encrypt=True")).Dialect);
        // SqlClient's default is Encrypt=True (Mandatory).
        Assert.Equal(SqlConnectionEncryptOption.Mandatory, new SqlConnectionStringBuilder(plain.Replace(";Encrypt=False", "")).Encrypt);
        Assert.Equal(SqlDialect.SqlServer, SqlServer(plain.Replace(";Encrypt=False", "")).Dialect);
    }

    [Fact]
    public void The_sql_server_is_described_by_its_address_and_database_never_its_user_or_password()
    {
        var connector = SqlServer("Server=tcp:sql.example.org,1433;Database=painpro;User ID=painpro_login;Password=Secret-123;Encrypt=True");

        var described = connector.DescribeServer() + " " + connector.Describe("scheduling");

        Assert.Contains("tcp:sql.example.org,1433", described);
        Assert.Contains("painpro", described);
        Assert.DoesNotContain("painpro_login", described);
        Assert.DoesNotContain("Secret-123", described);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }
}
