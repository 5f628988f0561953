using Npgsql;

namespace PainPro.Benchmarks.Harness;

/// <summary>Work the database did for each item of a measurement (a survey sent, a reply answered), all services together.</summary>
public sealed record DatabaseWork(double TransactionsPerItem, double RowsWrittenPerItem);

/// <summary>
/// Counts the transactions and row writes of one PostgreSQL database between two instants (<c>pg_stat_database</c>):
/// a figure that does not depend on how busy the machine is, and says how much work each message really costs.
/// </summary>
public sealed class DatabaseActivity
{
    // Backends report their counters at most once a second; waiting longer than that makes "after" complete.
    private static readonly TimeSpan StatsFlush = TimeSpan.FromSeconds(1.5);

    private readonly string connectionString;
    private readonly (long Transactions, long Rows) start;

    private DatabaseActivity(string connectionString, (long, long) start)
    {
        this.connectionString = connectionString;
        this.start = start;
    }

    public static async Task<DatabaseActivity> StartAsync(string connectionString, CancellationToken ct)
    {
        await Task.Delay(StatsFlush, ct);
        return new DatabaseActivity(connectionString, await ReadAsync(connectionString, ct));
    }

    public async Task<DatabaseWork> StopAsync(int items, CancellationToken ct)
    {
        await Task.Delay(StatsFlush, ct);
        var end = await ReadAsync(connectionString, ct);
        return new DatabaseWork((end.Transactions - start.Transactions) / (double)items, (end.Rows - start.Rows) / (double)items);
    }

    private static async Task<(long Transactions, long Rows)> ReadAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted
            FROM pg_stat_database WHERE datname = current_database()
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
