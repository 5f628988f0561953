using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;
using Xunit;

namespace PainPro.Testing;

/// <summary>
/// A migrated service database on a fresh SQLite file, PostgreSQL database or SQL Server database, for tests that
/// must pass on every dialect: <c>[DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]</c>
/// (SQL Server's cases are skipped, with the reason, unless <c>PAINPRO_SQLSERVER</c> is set).
/// </summary>
public static class TestDatabase
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string SqlServer = "sqlserver";

    public static TheoryData<string> Providers => new() { Sqlite, Postgres, SqlServer };

    /// <summary>The providers with a database server, for tests of production hosts (RabbitMQ and a server database).</summary>
    public static TheoryData<string> ServerProviders => new() { Postgres, SqlServer };

    /// <summary>A fresh database on the server of <paramref name="provider"/>; null for SQLite, which needs none.</summary>
    public static async Task<IServerDatabase?> CreateServerAsync(string provider) => provider switch
    {
        Postgres => await PostgresDatabase.CreateAsync(),
        SqlServer => await SqlServerDatabase.CreateAsync(),
        Sqlite => null,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "sqlite, postgres or sqlserver"),
    };

    public static async Task<TestDatabase<TDb>> CreateAsync<TDb>(string provider, TimeProvider? clock = null)
        where TDb : ServiceDatabase
    {
        string? directory = null;
        var options = new PainProOptions { Database = { Provider = provider } };
        var server = await CreateServerAsync(provider);
        if (server is not null)
        {
            options.Database.ConnectionString = server.ConnectionString;
        }
        else
        {
            directory = Path.Combine(Path.GetTempPath(), "painpro-tests", Guid.NewGuid().ToString("N"));
            options.DataDirectory = directory;
        }

        var services = new ServiceCollection()
            .AddSingleton(Options.Create(options))
            .AddSingleton(clock ?? TimeProvider.System)
            .AddSingleton<DatabaseConnector>()
            .AddSingleton<OutboxSignal>()
            .AddSingleton<ILogger<MigrationRunner>>(NullLogger<MigrationRunner>.Instance)
            .AddSingleton<MigrationRunner>()
            .AddSingleton<TDb>()
            .BuildServiceProvider();
        var db = services.GetRequiredService<TDb>();
        await services.GetRequiredService<MigrationRunner>().MigrateAsync(db, CancellationToken.None);
        return new TestDatabase<TDb>(db, services, server, directory);
    }
}

public sealed class TestDatabase<TDb>(TDb db, ServiceProvider services, IServerDatabase? server, string? directory)
    : IAsyncDisposable where TDb : ServiceDatabase
{
    public TDb Db { get; } = db;

    /// <summary>The container the database was built from, for resolving code under test with the same database.</summary>
    public IServiceProvider Services => services;

    /// <summary>Messages written to the outbox so far, oldest first, deserialized to their contract types.</summary>
    public async Task<IReadOnlyList<object>> OutboxAsync()
    {
        await using var connection = await Db.OpenAsync();
        var rows = await connection.QueryAsync<(string Type, string Body)>(
            // SQL Server orders uniqueidentifier by its last bytes: its outbox keeps the write order in seq.
            $"SELECT message_type, body FROM outbox ORDER BY {(Db.Dialect.IsSqlServer ? "seq" : "id")}");
        var contracts = typeof(PainPro.Contracts.SurveyDue).Assembly;
        return rows.Select(r => JsonSerializer.Deserialize(r.Body, contracts.GetType(r.Type)!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!)
            .ToList();
    }

    public async Task<IReadOnlyList<T>> OutboxAsync<T>() => (await OutboxAsync()).OfType<T>().ToList();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        if (server is not null) await server.DisposeAsync();
        if (directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
