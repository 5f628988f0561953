using System.Text.RegularExpressions;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PainPro.ServiceDefaults.Messaging;

public static partial class BusExtensions
{
    /// <summary>
    /// Declares a consumer of <paramref name="service"/> with its <see cref="ServiceConsumerDefinition{TConsumer}"/>:
    /// queue <c>{service}-{consumer}</c>, PainPro's retries, and at most <paramref name="concurrentMessageLimit"/>
    /// messages at once when given. Order does not matter: the bus reads every consumer from the container when it starts.
    /// A consumer renamed after its queue existed names that <paramref name="queue"/>: messages already bound to it keep coming.
    /// A <c>Batch&lt;T&gt;</c> consumer names its <paramref name="batch"/> sizes.
    /// </summary>
    public static IHostApplicationBuilder AddConsumer<TConsumer>(this IHostApplicationBuilder builder, string service,
        int? concurrentMessageLimit = null, string? queue = null, ConsumerBatch? batch = null)
        where TConsumer : class, IConsumer
    {
        builder.Services.AddSingleton(new ConsumerEndpoint<TConsumer>(service, concurrentMessageLimit, queue, batch));
        builder.Services.RegisterConsumer<TConsumer, ServiceConsumerDefinition<TConsumer>>();
        return builder;
    }

    /// <summary>
    /// Registers the bus (RabbitMQ or in-memory), the outbox relay and, on RabbitMQ, the bus watchdog. Part of
    /// <see cref="HostingExtensions.AddServiceDefaults"/>; consumers declared with <see cref="AddConsumer{TConsumer}"/>
    /// before or after it are all received.
    /// </summary>
    public static IHostApplicationBuilder AddPainProBus(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PainProOptions.Section).Get<PainProOptions>() ?? new PainProOptions();
        var rabbitMq = options.Bus.Transport.Equals("rabbitmq", StringComparison.OrdinalIgnoreCase);
        var probes = new BusProbes();
        builder.Services.AddMassTransit(x =>
        {
            // MassTransit would otherwise post usage telemetry to usage-tracking.masstransit.io a few minutes after
            // start: a hospital network expects no outbound call but the configured database, broker and providers.
            x.DisableUsageTelemetry();
            if (rabbitMq) x.AddConsumer<BusProbeConsumer>().ExcludeFromConfigureEndpoints();
            x.SetKebabCaseEndpointNameFormatter();

            switch (options.Bus.Transport.ToLowerInvariant())
            {
                case "inmemory":
                    x.UsingInMemory((context, cfg) =>
                    {
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                case "rabbitmq":
                    x.UsingRabbitMq((context, cfg) =>
                    {
                        cfg.Host(new Uri(options.Bus.RabbitMqUri));
                        cfg.PrefetchCount = options.Bus.PrefetchCount;
                        if (options.Bus.QuorumQueues) cfg.SetQuorumQueue();
                        // This process's own probe queue: gone with the process, never shared by replicas.
                        cfg.ReceiveEndpoint(probes.Queue, e =>
                        {
                            e.AutoDelete = true;
                            e.Durable = false;
                            e.ConfigureConsumeTopology = false;
                            e.ConfigureConsumer<BusProbeConsumer>(context);
                            probes.Address = e.InputAddress;
                        });
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new InvalidOperationException(
                        $"PainPro:Bus:Transport '{options.Bus.Transport}' is not supported; use 'inmemory' or 'rabbitmq'.");
            }
        });
        builder.Services.AddSingleton<OutboxRelayStatus>();
        builder.Services.AddHostedService<OutboxRelay>();
        var health = builder.Services.AddHealthChecks().AddCheck<Health.OutboxHealthCheck>("outbox", tags: ["ready"]);
        if (rabbitMq)
        {
            builder.Services.AddSingleton(probes);
            builder.Services.AddSingleton<IBrokerReachability, TcpBrokerReachability>();
            builder.Services.AddSingleton<BusWatchdog>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<BusWatchdog>());
            health.AddCheck<BusWatchdogHealthCheck>("bus-watchdog", tags: ["live"]);
        }
        return builder;
    }

    internal static string QueueName(string service, Type consumer)
    {
        var typeName = consumer.IsGenericType ? consumer.Name[..consumer.Name.IndexOf('`')] : consumer.Name;
        var name = typeName.EndsWith("Consumer", StringComparison.Ordinal) ? typeName[..^"Consumer".Length] : typeName;
        return $"{service}-{Kebab().Replace(name, "-$1").ToLowerInvariant()}";
    }

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Kebab();
}
