using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>The outbox and inbox purge: only what is past its retention goes, in batches, and unsent messages never.</summary>
public class RetentionTests
{
    private static readonly RetentionOptions Retention = new()
    {
        Outbox = TimeSpan.FromDays(3), Inbox = TimeSpan.FromDays(30), BatchSize = 4, Interval = TimeSpan.FromMinutes(10),
    };

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sent_outbox_rows_and_inbox_records_past_retention_are_purged_in_batches_and_unsent_rows_stay(string provider)
    {
        var clock = new SimulatedClock();
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider, clock);
        var start = clock.GetUtcNow();
        var sentOld = await WriteOutboxAsync(test.Db, count: 10, sentAt: start);
        var unsentOld = await WriteOutboxAsync(test.Db, count: 2, sentAt: null);
        var consumedOld = await WriteInboxAsync(test.Db, count: 6);

        clock.Advance(TimeSpan.FromDays(29));
        var sentRecent = await WriteOutboxAsync(test.Db, count: 3, sentAt: clock.GetUtcNow());
        var consumedRecent = await WriteInboxAsync(test.Db, count: 2);
        clock.Advance(TimeSpan.FromDays(2)); // the old ones are 31 days old, the recent ones 2

        var purge = Purge(test.Db);
        var rounds = new List<int>();
        for (var handled = -1; handled != 0;)
        {
            handled = await purge.RunDueAsync(CancellationToken.None);
            rounds.Add(handled);
        }

        // Each call deletes at most one batch per table: 10 outbox and 6 inbox rows take three calls.
        Assert.Equal([8, 6, 2, 0], rounds);
        Assert.Equal(unsentOld.Concat(sentRecent).Order(), await IdsAsync(test.Db, "SELECT id FROM outbox"));
        Assert.Equal(consumedRecent.Order(), await IdsAsync(test.Db, "SELECT message_id FROM inbox"));
        Assert.DoesNotContain(sentOld, (await IdsAsync(test.Db, "SELECT id FROM outbox")).Contains);
        Assert.DoesNotContain(consumedOld, (await IdsAsync(test.Db, "SELECT message_id FROM inbox")).Contains);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Once_caught_up_the_purge_rests_for_its_interval_on_the_service_clock(string provider)
    {
        var clock = new SimulatedClock();
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider, clock);
        var purge = Purge(test.Db);
        Assert.Equal(0, await purge.RunDueAsync(CancellationToken.None)); // caught up: rests until now + 10 minutes

        await WriteOutboxAsync(test.Db, count: 1, sentAt: clock.GetUtcNow() - TimeSpan.FromDays(4));
        Assert.Equal(0, await purge.RunDueAsync(CancellationToken.None));
        Assert.Equal(1L, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox")));

        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await purge.RunDueAsync(CancellationToken.None));
        Assert.Equal(0L, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox")));
    }

    [Theory]
    [InlineData("00:00:00", "30.00:00:00", "PainPro:Retention:Outbox")]
    [InlineData("3.00:00:00", "12:00:00", "PainPro:Retention:Inbox")]
    public void Retention_settings_that_would_lose_messages_or_dedup_are_refused_with_the_key(string outbox, string inbox, string key)
    {
        var problem = new RetentionOptions { Outbox = TimeSpan.Parse(outbox), Inbox = TimeSpan.Parse(inbox) }.Problem();

        Assert.NotNull(problem);
        Assert.Contains(key, problem);
    }

    private static OutboxRetention<SampleDb> Purge(SampleDb db) =>
        new(db, Options.Create(new PainProOptions { Retention = Retention }), NullLogger<OutboxRetention<SampleDb>>.Instance);

    private static async Task<List<Guid>> WriteOutboxAsync(SampleDb db, int count, DateTimeOffset? sentAt)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToList();
        await db.InTransactionAsync(async s =>
        {
            foreach (var id in ids)
                await s.ExecuteAsync("INSERT INTO outbox (id, message_type, body, created_at, sent_at) VALUES (@id, 'T', '{}', @at, @sentAt)",
                    new { id, at = s.Clock.GetUtcNow(), sentAt });
        });
        return ids;
    }

    private static async Task<List<Guid>> WriteInboxAsync(SampleDb db, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToList();
        await db.InTransactionAsync(async s =>
        {
            foreach (var id in ids) Assert.True(await s.TryRecordInboxAsync("SomeConsumer", id));
        });
        return ids;
    }

    private static async Task<List<Guid>> IdsAsync(SampleDb db, string sql) =>
        (await db.ReadAsync(c => c.QueryAsync<Guid>(sql))).Order().ToList();
}
