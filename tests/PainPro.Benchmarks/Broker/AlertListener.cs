using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PainPro.Benchmarks.Broker;

/// <summary>
/// A consumer of <c>PainAlertRaised</c> beside Messaging's: its own queue bound to the message type's exchange, so the
/// harness sees each alert when any consumer could, and notes the time by enrollment.
/// </summary>
public sealed class AlertListener : IAsyncDisposable
{
    // MassTransit publishes each message type to a fanout exchange named after its full type name.
    private const string Exchange = "PainPro.Contracts:PainAlertRaised";

    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> receivedAt = new();

    private AlertListener(IConnection connection, IChannel channel)
    {
        this.connection = connection;
        this.channel = channel;
    }

    /// <summary>When the first alert of each enrollment arrived.</summary>
    public IReadOnlyDictionary<Guid, DateTimeOffset> ReceivedAt => receivedAt;

    public static async Task<AlertListener> StartAsync(string amqpUri, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri), ClientProvidedName = "painpro-benchmarks-alerts" };
        var connection = await factory.CreateConnectionAsync(ct);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        // Same arguments as MassTransit's declaration, so whichever side comes first, the other agrees.
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct);
        await channel.QueueBindAsync(queue.QueueName, Exchange, "", cancellationToken: ct);

        var listener = new AlertListener(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var now = DateTimeOffset.UtcNow;
            if (EnrollmentOf(delivery.Body.Span) is { } enrollment) listener.receivedAt.TryAdd(enrollment, now);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, ct);
        return listener;
    }

    private static Guid? EnrollmentOf(ReadOnlySpan<byte> envelope)
    {
        using var json = JsonDocument.Parse(envelope.ToArray());
        return json.RootElement.TryGetProperty("message", out var message)
            && message.TryGetProperty("enrollmentId", out var id) && id.TryGetGuid(out var enrollment)
            ? enrollment
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
