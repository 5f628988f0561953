using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary><c>DbSession.PublishAllAsync</c>: a batch of messages in the outbox with one insert per chunk of rows.</summary>
public class OutboxBatchTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_larger_than_one_statement_is_written_whole_with_ids_ascending_in_the_order_given(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        // Two full statements and one row more, of two message types interleaved.
        var count = 2 * test.Db.Dialect.RowsPerStatement + 1;
        var messages = Enumerable.Range(0, count)
            .Select(i => i % 2 == 0
                ? (object)new EnrollmentCancelled(Guid.NewGuid(), $"withdrew {i}")
                : new SurveyExpired(Guid.NewGuid(), Guid.NewGuid(), Timepoints.Day3))
            .ToList();

        await test.Db.InTransactionAsync(s => s.PublishAllAsync(messages));

        Assert.Equal(messages, await test.OutboxAsync());
        var rows = (await test.Db.ReadAsync(c => c.QueryAsync<(Guid Id, DateTimeOffset CreatedAt)>(
            "SELECT id, created_at FROM outbox ORDER BY id"))).ToList();
        Assert.All(rows, r => Assert.Equal(7, r.Id.Version));
        Assert.Single(rows.Select(r => r.CreatedAt).Distinct());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_holding_a_message_that_is_not_a_contract_is_refused_before_anything_is_written(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);

        // The refusal is caught inside the transaction, which then commits: nothing of the batch may have been written.
        await test.Db.InTransactionAsync(async s =>
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => s.PublishAllAsync(
                [new EnrollmentCancelled(Guid.NewGuid(), "withdrew"), new Note(Guid.NewGuid(), "not a message", DateTimeOffset.UtcNow)]));
            Assert.Contains(typeof(Note).FullName!, refused.Message);
        });

        Assert.Empty(await test.OutboxAsync());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_committed_batch_wakes_the_relay_and_an_empty_one_does_not(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var wake = test.Services.GetRequiredService<OutboxSignal>().For(test.Db.Schema);

        await test.Db.InTransactionAsync(s => s.PublishAllAsync([]));
        Assert.Equal(0, wake.CurrentCount);

        await test.Db.InTransactionAsync(s => s.PublishAllAsync([new EnrollmentCancelled(Guid.NewGuid(), "deceased")]));
        Assert.Equal(1, wake.CurrentCount);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_published_in_a_rolled_back_transaction_never_reaches_the_outbox(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);

        await Assert.ThrowsAsync<InvalidOperationException>(() => test.Db.InTransactionAsync(async s =>
        {
            await s.PublishAllAsync([new EnrollmentCancelled(Guid.NewGuid(), "withdrew"), new EnrollmentCancelled(Guid.NewGuid(), "deceased")]);
            throw new InvalidOperationException("the change failed");
        }));

        Assert.Empty(await test.OutboxAsync());
    }
}
