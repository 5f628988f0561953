using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Jobs;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>
/// A due-work run's turn, as <c>POST /dev/clock/advance</c> meets it when a scheduled run holds it: the advance waits
/// for that run to give the turn back (in the database on PostgreSQL, not by triggering a Hangfire job every few
/// milliseconds), and the wait itself never keeps the turn.
/// </summary>
public class DueWorkTurnTests
{
    private const string Job = "sample:work";

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_wait_for_a_held_turn_returns_once_it_is_given_back_and_leaves_it_free_to_take(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var turns = new DueWorkTurns(test.Services.GetRequiredService<DatabaseConnector>());
        var held = await turns.TryTakeAsync(Job, "sample", CancellationToken.None);
        Assert.NotNull(held);

        var waiting = turns.WaitUntilFreeAsync(Job, "sample", CancellationToken.None);
        await QueuedBehindTheTurnAsync(test.Db, provider);
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        await using var next = await turns.TryTakeAsync(Job, "sample", CancellationToken.None);
        Assert.NotNull(next);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_cancelled_wait_ends_at_once_and_takes_nothing(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var turns = new DueWorkTurns(test.Services.GetRequiredService<DatabaseConnector>());
        var held = await turns.TryTakeAsync(Job, "sample", CancellationToken.None);
        Assert.NotNull(held);

        using var cancel = new CancellationTokenSource();
        var waiting = turns.WaitUntilFreeAsync(Job, "sample", cancel.Token);
        await QueuedBehindTheTurnAsync(test.Db, provider);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        await held.DisposeAsync();
        await using var next = await turns.TryTakeAsync(Job, "sample", CancellationToken.None);
        Assert.NotNull(next);
    }

    /// <summary>On PostgreSQL, until the wait is a lock request queued in the server; on SQLite the semaphore queues it at once.</summary>
    private static Task QueuedBehindTheTurnAsync(SampleDb db, string provider) => provider != TestDatabase.Postgres
        ? Task.CompletedTask
        : Eventually.TrueAsync(async () => await db.ReadAsync(c => c.ExecuteScalarAsync<int>(
            """
            SELECT COUNT(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """)) == 1, "the wait to queue behind the held turn");
}
