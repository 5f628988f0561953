using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

public class OutboxRelayTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Relayed_messages_carry_their_outbox_id_as_message_id_and_go_out_once(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        await using var bus = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = await StartHarnessAsync(bus);
        var relay = Relay(test.Db, harness.Bus, new PainProOptions { Database = { OutboxBatchSize = 2 } });

        var enrollments = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        await test.Db.InTransactionAsync(async s =>
        {
            foreach (var id in enrollments) await s.PublishAsync(new EnrollmentCancelled(id, "procedure cancelled"));
        });

        Assert.Equal(2, await relay.PublishBatchAsync(test.Db, CancellationToken.None));
        Assert.Equal(1, await relay.PublishBatchAsync(test.Db, CancellationToken.None));
        Assert.Equal(0, await relay.PublishBatchAsync(test.Db, CancellationToken.None));

        var published = harness.Published.Select<EnrollmentCancelled>().ToList();
        Assert.Equal(enrollments.Order(), published.Select(p => p.Context.Message.EnrollmentId).Order());
        var outboxIds = await test.Db.ReadAsync(c => Dapper.SqlMapper.QueryAsync<Guid>(c, "SELECT id FROM outbox WHERE sent_at IS NOT NULL"));
        Assert.Equal(outboxIds.Order(), published.Select(p => p.Context.MessageId!.Value).Order());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_whose_confirms_never_come_back_times_out_stays_unsent_and_goes_out_on_the_next_attempt(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        await using var bus = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = await StartHarnessAsync(bus);
        var broker = StallingBus.Wrap(harness.Bus);
        var relay = Relay(test.Db, broker, new PainProOptions { Bus = { PublishTimeout = TimeSpan.FromMilliseconds(300) } });
        var enrollment = Guid.NewGuid();
        await test.Db.InTransactionAsync(s => s.PublishAsync(new EnrollmentCancelled(enrollment, "procedure cancelled")));

        ((StallingBus)(object)broker).Stalled = true;
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => relay.PublishBatchAsync(test.Db, CancellationToken.None));
        Assert.Contains("did not confirm 1 messages", timedOut.Message);
        Assert.Equal(1, await test.Db.ReadAsync(c => Dapper.SqlMapper.ExecuteScalarAsync<int>(c, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")));

        ((StallingBus)(object)broker).Stalled = false;
        Assert.Equal(1, await relay.PublishBatchAsync(test.Db, CancellationToken.None));
        Assert.Single(harness.Published.Select<EnrollmentCancelled>(), p => p.Context.Message.EnrollmentId == enrollment);
        Assert.Equal(0, await test.Db.ReadAsync(c => Dapper.SqlMapper.ExecuteScalarAsync<int>(c, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")));
    }

    private static async Task<ITestHarness> StartHarnessAsync(IServiceProvider bus)
    {
        var harness = bus.GetRequiredService<ITestHarness>();
        await harness.Start();
        return harness;
    }

    private static OutboxRelay Relay(ServiceDatabase db, IBus bus, PainProOptions options) =>
        new([db], bus, new OutboxSignal(), new OutboxRelayStatus(TimeProvider.System), Options.Create(options), NullLogger<OutboxRelay>.Instance);

    /// <summary>A bus whose publishes, while stalled, never complete and ignore cancellation — as a lost publisher confirm does.</summary>
    public class StallingBus : System.Reflection.DispatchProxy
    {
        private IBus inner = null!;
        public bool Stalled { get; set; }

        public static IBus Wrap(IBus inner)
        {
            var proxy = Create<IBus, StallingBus>();
            ((StallingBus)(object)proxy).inner = inner;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? method, object?[]? args)
        {
            if (Stalled && method!.Name == nameof(IBus.Publish)) return new TaskCompletionSource().Task;
            try { return method!.Invoke(inner, args); }
            catch (System.Reflection.TargetInvocationException ex) { throw ex.InnerException!; }
        }
    }

    [Fact]
    public void Queue_names_are_kebab_case_and_prefixed_by_the_owning_service()
    {
        Assert.Equal("ingestion-survey-due", BusExtensions.QueueName("ingestion", typeof(SurveyDueConsumer)));
        Assert.Equal("messaging-survey-due", BusExtensions.QueueName("messaging", typeof(SurveyDueConsumer)));
    }

    private sealed class SurveyDueConsumer : IConsumer<SurveyDue>
    {
        public Task Consume(ConsumeContext<SurveyDue> context) => Task.CompletedTask;
    }
}
