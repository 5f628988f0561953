using Npgsql;

namespace PainPro.Testing;

/// <summary>A fresh, empty PostgreSQL database for one test or fixture, dropped on dispose.</summary>
public sealed class PostgresDatabase : IServerDatabase
{
    private PostgresDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string Provider => TestDatabase.Postgres;
    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var name = "painpro_t_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(TestInfrastructure.Unreachable("PostgreSQL", ex), ex);
        }
        var csb = new NpgsqlConnectionStringBuilder(TestInfrastructure.PostgresAdmin) { Database = name, MaxPoolSize = 50 };
        return new PostgresDatabase(name, csb.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException) { /* a leftover test database is harmless */ }
    }
}
