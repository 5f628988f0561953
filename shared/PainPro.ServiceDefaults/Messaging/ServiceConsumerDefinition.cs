using MassTransit;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>
/// Which service a consumer belongs to, how many messages it may handle at once (null: the prefetch count), and — for
/// a consumer renamed since its queue was first declared — the queue it keeps.
/// </summary>
public sealed record ConsumerEndpoint<TConsumer>(string Service, int? ConcurrentMessageLimit, string? Queue = null, ConsumerBatch? Batch = null)
    where TConsumer : class, IConsumer;

/// <summary>
/// How a <c>Batch&lt;T&gt;</c> consumer collects its messages: at most <paramref name="MessageLimit"/> a batch, handed over
/// when full or <paramref name="TimeLimit"/> after its first message, <paramref name="ConcurrencyLimit"/> batches at once.
/// A batch commits once, so the database's work per message falls with its size.
/// </summary>
public sealed record ConsumerBatch(int MessageLimit, TimeSpan TimeLimit, int ConcurrencyLimit = 1)
{
    /// <summary>Messages the endpoint must be able to hold at once so a batch can fill without waiting for its time limit.</summary>
    public int MessagesInFlight => MessageLimit * ConcurrencyLimit;
}

/// <summary>
/// How every PainPro consumer is received: its own queue <c>{service}-{consumer}</c> in kebab case (so two services that
/// hear the same event each get their own copy, in AllInOne as on RabbitMQ), in-place retries for transient faults
/// (a database restart, a lock timeout) before a message goes to <c>{queue}_error</c>, and its concurrency. MassTransit
/// reads definitions from the container when the bus is configured, so a service may register its consumers before or
/// after the bus.
/// </summary>
public sealed class ServiceConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    private readonly BusOptions bus;
    private readonly ConsumerBatch? batch;

    public ServiceConsumerDefinition(ConsumerEndpoint<TConsumer> endpoint, IOptions<PainProOptions> options)
    {
        bus = options.Value.Bus;
        EndpointName = endpoint.Queue ?? BusExtensions.QueueName(endpoint.Service, typeof(TConsumer));
        batch = endpoint.Batch;
        if (endpoint.ConcurrentMessageLimit is { } limit) ConcurrentMessageLimit = limit;
        else if (batch is not null) ConcurrentMessageLimit = batch.MessagesInFlight;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r =>
            r.Exponential(bus.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
        if (batch is null) return;
        // The broker must hand over a whole batch's messages before the first is acknowledged, or every batch waits out its time limit.
        // (MassTransit's BatchOptions raises the prefetch count and a lower concurrency limit to the same after this; the
        // ConcurrentMessageLimit above also sets the endpoint's, which the in-memory transport's concurrency follows.)
        endpointConfigurator.PrefetchCount = Math.Max(bus.PrefetchCount, batch.MessagesInFlight);
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(batch.MessageLimit)
            .SetTimeLimit(batch.TimeLimit)
            .SetConcurrencyLimit(batch.ConcurrencyLimit));
    }
}
