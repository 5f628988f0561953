using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PainPro.ServiceDefaults.Messaging;

public static partial class BusExtensions
{
    private const string RegistryKey = "PainPro.Consumers";

    /// <summary>
    /// Declares a consumer of <paramref name="service"/>. Its queue is <c>{service}-{consumer}</c> in kebab case,
    /// so two services that hear the same event each get their own copy, in AllInOne as on RabbitMQ.
    /// </summary>
    public static IHostApplicationBuilder AddConsumer<TConsumer>(this IHostApplicationBuilder builder, string service)
        where TConsumer : class, IConsumer
    {
        Registry(builder).Add(new ConsumerRegistration(typeof(TConsumer), QueueName(service, typeof(TConsumer))));
        return builder;
    }

    /// <summary>
    /// Registers the bus with every consumer declared so far. Call it after the services' <c>AddX</c> calls.
    /// </summary>
    public static IHostApplicationBuilder AddPainProBus(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PainProOptions.Section).Get<PainProOptions>() ?? new PainProOptions();
        var consumers = Registry(builder);
        var rabbitMq = options.Bus.Transport.Equals("rabbitmq", StringComparison.OrdinalIgnoreCase);
        var probes = new BusProbes();
        builder.Services.AddMassTransit(x =>
        {
            // MassTransit would otherwise post usage telemetry to usage-tracking.masstransit.io a few minutes after
            // start: a hospital network expects no outbound call but the configured database, broker and providers.
            x.DisableUsageTelemetry();
            if (rabbitMq) x.AddConsumer<BusProbeConsumer>().ExcludeFromConfigureEndpoints();
            x.SetKebabCaseEndpointNameFormatter();
            foreach (var consumer in consumers)
                x.AddConsumer(consumer.Type).Endpoint(e => e.Name = consumer.Queue);

            switch (options.Bus.Transport.ToLowerInvariant())
            {
                case "inmemory":
                    x.UsingInMemory((context, cfg) =>
                    {
                        Configure(cfg, options.Bus);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                case "rabbitmq":
                    x.UsingRabbitMq((context, cfg) =>
                    {
                        cfg.Host(new Uri(options.Bus.RabbitMqUri));
                        cfg.PrefetchCount = options.Bus.PrefetchCount;
                        if (options.Bus.QuorumQueues) cfg.SetQuorumQueue();
                        Configure(cfg, options.Bus);
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

    private static void Configure(IBusFactoryConfigurator cfg, BusOptions bus)
    {
        // Transient faults (a database restart, a lock timeout) retry in place; what still fails lands in {queue}_error.
        cfg.UseMessageRetry(r => r.Exponential(bus.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
    }

    internal static string QueueName(string service, Type consumer)
    {
        var typeName = consumer.IsGenericType ? consumer.Name[..consumer.Name.IndexOf('`')] : consumer.Name;
        var name = typeName.EndsWith("Consumer", StringComparison.Ordinal) ? typeName[..^"Consumer".Length] : typeName;
        return $"{service}-{Kebab().Replace(name, "-$1").ToLowerInvariant()}";
    }

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Kebab();

    private static List<ConsumerRegistration> Registry(IHostApplicationBuilder builder)
    {
        if (!builder.Properties.TryGetValue(RegistryKey, out var value))
            builder.Properties[RegistryKey] = value = new List<ConsumerRegistration>();
        return (List<ConsumerRegistration>)value;
    }

    private sealed record ConsumerRegistration(Type Type, string Queue);
}
