using Npgsql;

namespace PainPro.Benchmarks.Harness;

/// <summary>Work the database did for each item of a measurement (a survey sent, a reply answered), all services together.</summary>
public sealed record DatabaseWork(double TransactionsPerItem, double RowsWrittenPerItem);

/// <summary>
/// Counts the transactions and row writes of one PostgreSQL database (<c>pg_stat_database</c>) lap by lap: a figure
/// that does not depend on how busy the machine is, and says how much work each message really costs.
/// </summary>
/// <remarks>
/// PostgreSQL backends report their counters at most once a second while busy, and an idle one up to 10 s after
/// its last transaction; each reading first waits <c>flush</c> so the counts are complete (the smoke size waits
/// less and is approximate).
/// </remarks>
public sealed class DatabaseActivity
{
    private readonly string connectionString;
    private readonly TimeSpan flush;
    private (long Transactions, long Rows) mark;

    private DatabaseActivity(string connectionString, TimeSpan flush)
    {
        this.connectionString = connectionString;
        this.flush = flush;
    }

    public static async Task<DatabaseActivity> StartAsync(string connectionString, TimeSpan flush, CancellationToken ct)
    {
        var activity = new DatabaseActivity(connectionString, flush);
        activity.mark = await activity.ReadAsync(ct);
        return activity;
    }

    /// <summary>The work per item since the start or the previous lap; the next lap counts from here.</summary>
    public async Task<DatabaseWork> LapAsync(int items, CancellationToken ct)
    {
        var now = await ReadAsync(ct);
        var work = new DatabaseWork((now.Transactions - mark.Transactions) / (double)items, (now.Rows - mark.Rows) / (double)items);
        mark = now;
        return work;
    }

    private async Task<(long Transactions, long Rows)> ReadAsync(CancellationToken ct)
    {
        await Task.Delay(flush, ct);
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
