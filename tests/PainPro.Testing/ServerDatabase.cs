using Microsoft.Data.SqlClient;

namespace PainPro.Testing;

/// <summary>A fresh, empty database on a database server for one test or fixture, dropped on dispose.</summary>
public interface IServerDatabase : IAsyncDisposable
{
    /// <summary><c>PainPro:Database:Provider</c> for it: <c>postgres</c> or <c>sqlserver</c>.</summary>
    string Provider { get; }

    string ConnectionString { get; }
}

/// <summary>
/// A fresh SQL Server database on the server of <c>PAINPRO_SQLSERVER</c>, with READ_COMMITTED_SNAPSHOT on (PainPro
/// refuses to start without it), dropped on dispose.
/// </summary>
public sealed class SqlServerDatabase : IServerDatabase
{
    private readonly string name;

    private SqlServerDatabase(string name, string connectionString)
    {
        this.name = name;
        ConnectionString = connectionString;
    }

    public string Provider => TestDatabase.SqlServer;
    public string ConnectionString { get; }

    public static async Task<SqlServerDatabase> CreateAsync()
    {
        var admin = TestInfrastructure.SqlServer ?? throw new InvalidOperationException(TestInfrastructure.SqlServerSkipReason);
        var name = "painpro_t_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var connection = new SqlConnection(admin);
            await connection.OpenAsync();
            // CREATE DATABASE must be a statement of its own.
            await using (var create = new SqlCommand($"CREATE DATABASE [{name}]", connection)) await create.ExecuteNonQueryAsync();
            await using var snapshot = new SqlCommand($"ALTER DATABASE [{name}] SET READ_COMMITTED_SNAPSHOT ON", connection);
            await snapshot.ExecuteNonQueryAsync();
        }
        catch (SqlException ex)
        {
            throw new InvalidOperationException($"SQL Server of PAINPRO_SQLSERVER refused a test database ({ex.Message}).", ex);
        }
        return new SqlServerDatabase(name, new SqlConnectionStringBuilder(admin) { InitialCatalog = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        SqlConnection.ClearAllPools();
        try
        {
            await using var connection = new SqlConnection(TestInfrastructure.SqlServer);
            await connection.OpenAsync();
            await using var drop = new SqlCommand(
                $"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (SqlException) { /* a leftover test database is harmless */ }
    }
}
