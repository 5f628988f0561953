using System.Collections.Concurrent;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>
/// Batch consumers (issue 21): the bus hands a <c>Batch&lt;T&gt;</c> consumer full batches (its endpoint takes enough
/// messages at once), a batch commits once, its inbox rows are written by one statement, and a message the database
/// refuses does not keep the rest of its batch from committing.
/// </summary>
public class BatchConsumerTests
{
    [Theory]
    [InlineData("inmemory")]
    [InlineData("rabbitmq")]
    public async Task A_batch_consumer_gets_full_batches_long_before_its_time_limit(string transport)
    {
        await using var vhost = transport == "rabbitmq" ? await RabbitMqVirtualHost.CreateAsync() : null;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["PainPro:Bus:Transport"] = transport;
        if (vhost is not null) builder.Configuration["PainPro:Bus:RabbitMqUri"] = vhost.Uri;
        // Below one batch: a batch could never fill if the endpoint kept to it.
        builder.Configuration["PainPro:Bus:PrefetchCount"] = "4";
        builder.Services.AddOptions<PainProOptions>().Bind(builder.Configuration.GetSection(PainProOptions.Section));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var received = new ReceivedBatches();
        builder.Services.AddSingleton(received);
        builder.AddPainProBus();
        builder.AddConsumer<TallyConsumer>("tests", batch: new ConsumerBatch(10, TimeSpan.FromSeconds(20), 2));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            var started = DateTime.UtcNow;
            for (var i = 0; i < 30; i++) await bus.Publish(new Tally(i));

            await Eventually.TrueAsync(() => Task.FromResult(received.Count == 30), "30 tallies consumed", TimeSpan.FromSeconds(15));

            // Well inside the 20-second time limit: each batch was handed over because it was full.
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
            Assert.Equal([10, 10, 10], received.Sizes.Order());
            Assert.Equal(Enumerable.Range(0, 30), received.Numbers.Order());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_inbox_records_a_batch_at_once_and_names_only_the_messages_new_to_it(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();

        var first = await test.Db.InTransactionAsync(s => Inbox.TryRecordAllAsync(s, "NoteWriter", [a, b]));
        // b redelivered, c twice in one batch.
        var second = await test.Db.InTransactionAsync(s => Inbox.TryRecordAllAsync(s, "NoteWriter", [b, c, c]));
        var otherConsumer = await test.Db.InTransactionAsync(s => Inbox.TryRecordAllAsync(s, "NoteAuditor", [a]));
        var single = await test.Db.InTransactionAsync(s => s.TryRecordInboxAsync("NoteWriter", c));

        Assert.Equal(new HashSet<Guid> { a, b }, first);
        Assert.Equal(new HashSet<Guid> { c }, second);
        Assert.Equal(new HashSet<Guid> { a }, otherConsumer);
        Assert.False(single);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_message_the_database_refuses_does_not_keep_the_rest_of_its_batch_from_committing(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        Note[] notes = [new(Guid.NewGuid(), "first", at), new(Guid.NewGuid(), null!, at), new(Guid.NewGuid(), "third", at)];
        var transactions = 0;

        var failure = await Assert.ThrowsAsync<AggregateException>(() => BatchTransactions.ApplyAsync(test.Db, notes, async (batch, session) =>
        {
            Interlocked.Increment(ref transactions);
            foreach (var note in batch)
                await session.ExecuteAsync("INSERT INTO notes (id, body, written_at) VALUES (@Id, @Body, @WrittenAt)", note);
        }, NullLogger.Instance, CancellationToken.None));

        var stored = await test.Db.ReadAsync(async c => (await c.QueryAsync<string>("SELECT body FROM notes")).Order().ToList());
        Assert.Equal(["first", "third"], stored);
        Assert.Single(failure.InnerExceptions);
        // The batch's transaction, then one per message.
        Assert.Equal(4, transactions);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_the_database_takes_commits_in_one_transaction(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var notes = Enumerable.Range(0, 5).Select(i => new Note(Guid.NewGuid(), $"note {i}", at)).ToList();
        var transactions = 0;

        await BatchTransactions.ApplyAsync(test.Db, notes, async (batch, session) =>
        {
            Interlocked.Increment(ref transactions);
            foreach (var note in batch)
                await session.ExecuteAsync("INSERT INTO notes (id, body, written_at) VALUES (@Id, @Body, @WrittenAt)", note);
        }, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(1, transactions);
        Assert.Equal(5, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notes")));
    }

    public sealed record Tally(int Number);

    public sealed class ReceivedBatches
    {
        private readonly ConcurrentQueue<int> sizes = new();
        private readonly ConcurrentQueue<int> numbers = new();

        public int Count => numbers.Count;
        public IEnumerable<int> Sizes => sizes;
        public IEnumerable<int> Numbers => numbers;

        public void Add(IReadOnlyList<int> batch)
        {
            sizes.Enqueue(batch.Count);
            foreach (var number in batch) numbers.Enqueue(number);
        }
    }

    public sealed class TallyConsumer(ReceivedBatches received) : IConsumer<Batch<Tally>>
    {
        public Task Consume(ConsumeContext<Batch<Tally>> context)
        {
            received.Add(context.Message.Select(m => m.Message.Number).ToList());
            return Task.CompletedTask;
        }
    }
}

public class BatchInboxConsumerTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_message_redelivered_in_a_later_batch_is_not_handled_again(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        await using var services = new ServiceCollection()
            .AddSingleton(test.Db)
            .AddMassTransitTestHarness(x => x.AddConsumer<NoteBatchWriter>(c =>
                c.Options<BatchOptions>(o => o.SetMessageLimit(10).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(1))))
            .BuildServiceProvider(true);
        var harness = services.GetRequiredService<MassTransit.Testing.ITestHarness>();
        await harness.Start();
        var first = Guid.NewGuid();

        await harness.Bus.Publish(new WriteNote("first"), c => c.MessageId = first);
        await harness.Bus.Publish(new WriteNote("second"));
        await Eventually.TrueAsync(async () => await CountAsync(test.Db) == 2, "both notes written");
        // One batch at a time, in the order received: once "third" is written the redelivery before it has been handled.
        await harness.Bus.Publish(new WriteNote("first, redelivered"), c => c.MessageId = first);
        await harness.Bus.Publish(new WriteNote("third"));
        await Eventually.TrueAsync(async () => await CountAsync(test.Db) >= 3, "the third note written");

        var bodies = await test.Db.ReadAsync(async c => (await c.QueryAsync<string>("SELECT body FROM notes")).Order().ToList());
        Assert.Equal(["first", "second", "third"], bodies);
        Assert.Equal(3, await test.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM inbox WHERE consumer = 'NoteBatchWriter'")));
    }

    private static Task<int> CountAsync(SampleDb db) => db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notes"));

    public sealed record WriteNote(string Body);

    /// <summary>Writes a new note per message: not idempotent, so only the inbox keeps a redelivery from writing twice.</summary>
    public sealed class NoteBatchWriter(SampleDb db) : BatchInboxConsumer<WriteNote>(db, NullLogger.Instance)
    {
        protected override Task HandleAsync(WriteNote message, Data.DbSession session, CancellationToken ct) =>
            session.ExecuteAsync("INSERT INTO notes (id, body, written_at) VALUES (@id, @body, @at)",
                new { id = Guid.NewGuid(), body = message.Body, at = session.Clock.GetUtcNow() });
    }
}
