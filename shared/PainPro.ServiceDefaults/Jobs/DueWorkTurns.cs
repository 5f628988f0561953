using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>
/// One run of a recurring job at a time, across every replica: a run that finds another one going skips (the one
/// going handles what is due). On PostgreSQL the turn is a session advisory lock held on its own connection, so a
/// replica that dies mid-run (SIGKILL, a lost node) frees the turn at once with its connection — Hangfire's own
/// distributed lock would hold it until its timeout expired (10 minutes). On SQLite there is one process, so a
/// semaphore suffices.
/// </summary>
/// <remarks>
/// The work itself is already safe to run twice at once (its claims use <c>FOR UPDATE SKIP LOCKED</c>, and before
/// Hangfire every replica ran every loop); the turn keeps runs from piling up when one takes longer than its period.
/// </remarks>
public sealed class DueWorkTurns(DatabaseConnector connector)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> local = new();

    /// <summary>The turn for <paramref name="jobId"/>, or null when another run holds it. Dispose to give it back.</summary>
    public async Task<IAsyncDisposable?> TryTakeAsync(string jobId, string schema, CancellationToken ct)
    {
        if (connector.Dialect == SqlDialect.Postgres)
        {
            var connection = await connector.OpenAsync(schema, ct);
            var key = Key(jobId);
            try
            {
                if (await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(hashtext(@key))", new { key }))
                    return new AdvisoryTurn(connection, key);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
            await connection.DisposeAsync();
            return null;
        }

        var gate = local.GetOrAdd(jobId, _ => new SemaphoreSlim(1, 1));
        return await gate.WaitAsync(TimeSpan.Zero, ct) ? new LocalTurn(gate) : null;
    }

    /// <summary>
    /// Returns once no run holds the turn for <paramref name="jobId"/> (another may take it straight after: callers
    /// run and look again). On PostgreSQL one statement that waits in the server for the holder to let go — a
    /// transaction-level lock, so nothing outlives the statement, not even a cancelled one.
    /// </summary>
    public async Task WaitUntilFreeAsync(string jobId, string schema, CancellationToken ct)
    {
        if (connector.Dialect == SqlDialect.Postgres)
        {
            await using var connection = await connector.OpenAsync(schema, ct);
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext(@key))",
                new { key = Key(jobId) }, commandTimeout: 0, cancellationToken: ct));
            return;
        }

        var gate = local.GetOrAdd(jobId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        gate.Release();
    }

    private static string Key(string jobId) => "painpro-job:" + jobId;

    private sealed class AdvisoryTurn(DbConnection connection, string key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // A session lock outlives the pooled connection's return to the pool: release it explicitly.
            try { await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtext(@key))", new { key }); }
            // Never let a connection that may still hold the lock back into the pool: it is closed when returned.
            catch (Exception) { if (connection is Npgsql.NpgsqlConnection npgsql) Npgsql.NpgsqlConnection.ClearPool(npgsql); }
            await connection.DisposeAsync();
        }
    }

    private sealed class LocalTurn(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
