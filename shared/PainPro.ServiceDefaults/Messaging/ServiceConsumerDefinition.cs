using MassTransit;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>
/// Which service a consumer belongs to, how many messages it may handle at once (null: the prefetch count), and — for
/// a consumer renamed since its queue was first declared — the queue it keeps.
/// </summary>
public sealed record ConsumerEndpoint<TConsumer>(string Service, int? ConcurrentMessageLimit, string? Queue = null) where TConsumer : class, IConsumer;

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

    public ServiceConsumerDefinition(ConsumerEndpoint<TConsumer> endpoint, IOptions<PainProOptions> options)
    {
        bus = options.Value.Bus;
        EndpointName = endpoint.Queue ?? BusExtensions.QueueName(endpoint.Service, typeof(TConsumer));
        if (endpoint.ConcurrentMessageLimit is { } limit) ConcurrentMessageLimit = limit;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r =>
            r.Exponential(bus.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
    }
}
