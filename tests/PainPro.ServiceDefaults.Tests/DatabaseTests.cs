using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

public class DatabaseTests
{
    [Theory]
    [InlineData("Host=db;Username=u", 64, 2)]
    [InlineData("Host=db;Username=u;Max Auto Prepare=0", 0, 5)]
    [InlineData("Host=db;Username=u;maxautoprepare=10;Auto Prepare Min Usages=3", 10, 3)]
    public void PostgreSQL_statements_are_auto_prepared_unless_the_connection_string_says_otherwise(string configured, int maxAutoPrepare, int minUsages)
    {
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseConnector.PostgresConnectionString(configured, "messaging"));

        Assert.Equal((maxAutoPrepare, minUsages, "messaging"), (csb.MaxAutoPrepare, csb.AutoPrepareMinUsages, csb.SearchPath));
    }

    [Theory]
    [InlineData("Host=db;Username=u", "ingestion", true)]
    [InlineData("Host=db;Username=u;No Reset On Close=false", "ingestion", false)]
    [InlineData("Host=db;Username=u", "hangfire", false)]
    public void Service_connections_skip_the_pool_reset_unless_the_connection_string_asks_for_it_and_hangfire_s_keep_it(string configured,
        string schema, bool noReset)
    {
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseConnector.ServiceConnectionString(configured, schema));

        Assert.Equal((noReset, schema, 64), (csb.NoResetOnClose, csb.SearchPath, csb.MaxAutoPrepare));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Guids_and_instants_round_trip_and_compare_in_time_order(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var early = new DateTimeOffset(2026, 3, 8, 1, 59, 59, 500, TimeSpan.FromHours(-5));
        var late = early.AddMilliseconds(600); // crosses a whole second: text comparison must still order them
        var ids = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };
        await test.Db.InTransactionAsync(async s =>
        {
            await s.ExecuteAsync("INSERT INTO notes (id, body, written_at) VALUES (@Id, @Body, @WrittenAt)", new Note(ids[0], "early", early));
            await s.ExecuteAsync("INSERT INTO notes (id, body, written_at) VALUES (@Id, @Body, @WrittenAt)", new Note(ids[1], "late", late));
        });

        var after = await test.Db.ReadAsync(c => c.QueryAsync<Note>(
            "SELECT id AS Id, body AS Body, written_at AS WrittenAt FROM notes WHERE written_at > @at", new { at = early.AddMilliseconds(100) }));

        var note = Assert.Single(after);
        Assert.Equal(ids[1], note.Id);
        Assert.Equal(late, note.WrittenAt);
        Assert.Equal(TimeSpan.Zero, note.WrittenAt.Offset);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rows_passed_as_a_table_are_written_by_one_statement_with_instants_in_any_offset(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var at = new DateTimeOffset(2026, 3, 8, 1, 59, 59, TimeSpan.FromHours(-5));
        IReadOnlyList<Note> notes =
        [
            new(Guid.CreateVersion7(), "eastern", at),
            new(Guid.CreateVersion7(), "central europe", at.ToOffset(TimeSpan.FromHours(1)).AddMinutes(1)),
            new(Guid.CreateVersion7(), "utc", at.ToUniversalTime().AddMinutes(2)),
        ];

        var written = await test.Db.InTransactionAsync(async s =>
        {
            async Task<int> InsertAsync(IReadOnlyList<Note> rows)
            {
                var (table, parameters) = s.Dialect.Rows("v", rows,
                    RowColumn.Of<Note, Guid>("id", n => n.Id),
                    RowColumn.Of<Note, string>("body", n => n.Body),
                    RowColumn.Of<Note, DateTimeOffset>("written_at", n => n.WrittenAt));
                return await s.ExecuteAsync($"WITH {table} INSERT INTO notes (id, body, written_at) SELECT id, body, written_at FROM v", parameters);
            }
            return (await InsertAsync(notes), await InsertAsync([]));
        });

        Assert.Equal((3, 0), written);
        var read = await test.Db.ReadAsync(c => c.QueryAsync<Note>("SELECT id AS Id, body AS Body, written_at AS WrittenAt FROM notes ORDER BY written_at"));
        Assert.Equal(notes, read);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrations_apply_once_and_running_again_changes_nothing(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var runner = test.Services.GetRequiredService<MigrationRunner>();

        await runner.MigrateAsync(test.Db, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => runner.MigrateAsync(test.Db, CancellationToken.None)));

        var applied = await test.Db.ReadAsync(c => c.QueryAsync<string>("SELECT source || '/' || CAST(version AS text) FROM schema_migrations ORDER BY source"));
        var platform = MigrationRunner.Discover(typeof(MigrationRunner).Assembly, test.Db.Dialect.Name).Select(m => $"platform/{m.Version}");
        Assert.Equal([.. platform, "sample/1"], applied);
        Assert.Contains("platform/1", applied);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_message_published_in_a_rolled_back_transaction_never_reaches_the_outbox(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);

        await Assert.ThrowsAsync<InvalidOperationException>(() => test.Db.InTransactionAsync(async s =>
        {
            await s.ExecuteAsync("INSERT INTO notes (id, body, written_at) VALUES (@id, 'x', @at)", new { id = Guid.NewGuid(), at = DateTimeOffset.UtcNow });
            await s.PublishAsync(new EnrollmentCancelled(Guid.NewGuid(), "withdrew"));
            throw new InvalidOperationException("the change failed");
        }));
        var committedId = Guid.NewGuid();
        await test.Db.InTransactionAsync(s => s.PublishAsync(new EnrollmentCancelled(committedId, "deceased")));

        var outbox = await test.OutboxAsync<EnrollmentCancelled>();
        Assert.Equal(committedId, Assert.Single(outbox).EnrollmentId);
        Assert.Equal(0, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notes")));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_inbox_accepts_a_message_once_per_consumer(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var messageId = Guid.NewGuid();

        var first = await test.Db.InTransactionAsync(s => s.TryRecordInboxAsync("NoteWriter", messageId));
        var repeat = await test.Db.InTransactionAsync(s => s.TryRecordInboxAsync("NoteWriter", messageId));
        var otherConsumer = await test.Db.InTransactionAsync(s => s.TryRecordInboxAsync("NoteAuditor", messageId));

        Assert.True(first);
        Assert.False(repeat);
        Assert.True(otherConsumer);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_message_on_postgres_are_handled_exactly_once()
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(TestDatabase.Postgres);
        var messageId = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => test.Db.InTransactionAsync(async s =>
        {
            if (!await s.TryRecordInboxAsync("NoteWriter", messageId)) return false;
            await s.ExecuteAsync("INSERT INTO notes (id, body, written_at) VALUES (@id, @body, @at)",
                new { id = Guid.NewGuid(), body = $"delivery {i}", at = DateTimeOffset.UtcNow });
            return true;
        })));

        Assert.Equal(1, results.Count(handled => handled));
        Assert.Equal(1, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notes")));
    }
}
