using System.Diagnostics;
using Dapper;
using PainPro.ServiceDefaults.Data;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary><see cref="DbSession.Write"/>: writes nobody reads the count of wait for the next statement, never past it.</summary>
public class DeferredWriteTests
{
    private const string InsertNote = "INSERT INTO notes (id, body, written_at) VALUES (@Id, @Body, @WrittenAt)";

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_deferred_write_is_seen_by_the_next_read_and_the_next_statement_s_row_count_is_its_own(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var at = new DateTimeOffset(2026, 12, 7, 18, 59, 0, TimeSpan.FromHours(-5));
        var (first, second) = (Note("first", at), Note("second", at.AddMinutes(1)));

        var (countAfterWrite, updated, bodies) = await test.Db.InTransactionAsync(async s =>
        {
            await s.Write(InsertNote, first);
            await s.Write(InsertNote, second);
            var count = await s.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM notes");
            await s.Write("UPDATE notes SET body = @body WHERE id = @id", new { body = "first, revised", id = first.Id });
            var changed = await s.ExecuteAsync("UPDATE notes SET body = body WHERE written_at > @at", new { at = at.AddSeconds(30) });
            return (count, changed, (await s.QueryAsync<string>("SELECT body FROM notes ORDER BY written_at")).ToList());
        });

        Assert.Equal(2, countAfterWrite);
        Assert.Equal(1, updated);
        Assert.Equal(["first, revised", "second"], bodies);
        var stored = await test.Db.ReadAsync(c => c.QueryAsync<Note>("SELECT id AS Id, body AS Body, written_at AS WrittenAt FROM notes ORDER BY written_at"));
        Assert.Equal([first with { Body = "first, revised" }, second], stored);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Writes_left_waiting_at_the_end_of_the_work_are_committed_with_it(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var note = Note("last", DateTimeOffset.UtcNow);

        await test.Db.InTransactionAsync(s => s.Write(InsertNote, note));

        Assert.Equal(1, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notes WHERE id = @Id", new { note.Id })));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_deferred_write_that_fails_fails_its_transaction_and_nothing_of_it_is_kept(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var note = Note("twice", DateTimeOffset.UtcNow);
        var other = Note("other", DateTimeOffset.UtcNow);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => test.Db.InTransactionAsync(async s =>
        {
            await s.Write(InsertNote, other);
            await s.Write(InsertNote, note);
            await s.Write(InsertNote, note); // the primary key refuses the second
        }));

        Assert.Equal(0, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notes")));
    }

    [Fact]
    public async Task On_PostgreSQL_waiting_writes_travel_with_the_next_statement_in_one_round_trip()
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(TestDatabase.Postgres);
        // Npgsql starts one activity per command or batch sent; only this test's (children of its own span) count.
        using var source = new ActivitySource(nameof(DeferredWriteTests));
        var roundTrips = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or nameof(DeferredWriteTests),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = a =>
            {
                if (a.Source.Name == "Npgsql" && a.Parent?.Source == source) Interlocked.Increment(ref roundTrips);
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var span = source.StartActivity("test");
        var notes = Enumerable.Range(0, 3).Select(i => Note($"note {i}", DateTimeOffset.UtcNow.AddSeconds(i))).ToList();

        var (before, inserted, after) = await test.Db.InTransactionAsync(async s =>
        {
            var start = Volatile.Read(ref roundTrips);
            foreach (var note in notes) await s.Write(InsertNote, note);
            var queued = Volatile.Read(ref roundTrips) - start;
            var rows = await s.ExecuteAsync("UPDATE notes SET body = body || '.' WHERE body LIKE @prefix", new { prefix = "note %" });
            return (queued, rows, Volatile.Read(ref roundTrips) - start);
        });

        Assert.Equal((0, 3, 1), (before, inserted, after));
    }

    private static Note Note(string body, DateTimeOffset at) => new(Guid.CreateVersion7(), body, at.ToUniversalTime());
}
