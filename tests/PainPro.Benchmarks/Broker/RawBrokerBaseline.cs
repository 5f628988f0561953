using System.Diagnostics;
using System.Text.Json;
using PainPro.Benchmarks.Harness;
using PainPro.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PainPro.Benchmarks.Broker;

/// <param name="PublishPerSecond">Persistent messages published with confirms, up to 256 confirmations outstanding.</param>
/// <param name="ConfirmRoundTrip">One persistent publish at a time, until its confirm: the floor under any durable hop.</param>
/// <param name="ConsumePerSecond">Deliveries acknowledged one by one with PainPro's prefetch.</param>
public sealed record RawBrokerResult(
    string BrokerVersion, int MessageBytes, int Messages, double PublishPerSecond, LatencySummary ConfirmRoundTrip,
    double ConsumePerSecond, int Prefetch);

/// <summary>
/// The limit every PainPro figure is compared with: RabbitMQ.Client alone on the same broker, with the same
/// guarantees PainPro asks for (durable queue, persistent messages, publisher confirms, manual acks) and a body the
/// size of the <see cref="SurveyDue"/> envelope MassTransit puts on the wire.
/// </summary>
public static class RawBrokerBaseline
{
    private const int OutstandingConfirms = 256;
    private const int WarmUp = 200;

    public static async Task<RawBrokerResult> RunAsync(string amqpUri, int messages, int roundTrips, int prefetch, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri), ClientProvidedName = "painpro-benchmarks-raw" };
        await using var connection = await factory.CreateConnectionAsync(ct);
        var version = connection.ServerProperties is { } props && props.TryGetValue("version", out var v) && v is byte[] bytes
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : "unknown";

        var queue = "benchmarks-raw-" + Guid.NewGuid().ToString("N")[..8];
        var body = SurveyDueSizedBody();
        var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };

        await using (var setup = await connection.CreateChannelAsync(cancellationToken: ct))
            await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);

        double publishRate;
        LatencySummary roundTrip;
        // The client's default limiter delays publishes once half its permits are in use; the window below is the
        // only limit here, so the figure is the broker's, not the throttle's.
        await using (var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: null), ct))
        {
            for (var i = 0; i < WarmUp; i++)
                await publisher.BasicPublishAsync("", queue, mandatory: true, properties, body, ct);

            // Confirm latency first, on an idle broker, one message at a time.
            var latencies = new LatencyRecorder(roundTrips);
            for (var i = 0; i < roundTrips; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await publisher.BasicPublishAsync("", queue, mandatory: true, properties, body, ct);
                latencies.Record(Stopwatch.GetElapsedTime(start));
            }
            roundTrip = latencies.Summarize();

            // Throughput: a sliding window of publishes awaiting their confirms (the broker confirms in order).
            var clock = Stopwatch.StartNew();
            var window = new Queue<Task>(OutstandingConfirms);
            for (var i = 0; i < messages; i++)
            {
                if (window.Count == OutstandingConfirms) await window.Dequeue();
                window.Enqueue(publisher.BasicPublishAsync("", queue, mandatory: true, properties, body, ct).AsTask());
            }
            while (window.Count > 0) await window.Dequeue();
            publishRate = messages / clock.Elapsed.TotalSeconds;
        }

        var total = WarmUp + roundTrips + messages;
        double consumeRate;
        await using (var consumerChannel = await connection.CreateChannelAsync(cancellationToken: ct))
        {
            await consumerChannel.BasicQosAsync(0, (ushort)prefetch, global: false, ct);
            var received = 0;
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var consumer = new AsyncEventingBasicConsumer(consumerChannel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
                if (Interlocked.Increment(ref received) == total) drained.TrySetResult();
            };
            var clock = Stopwatch.StartNew();
            var tag = await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer, ct);
            await drained.Task.WaitAsync(TimeSpan.FromMinutes(5), ct);
            consumeRate = total / clock.Elapsed.TotalSeconds;
            await consumerChannel.BasicCancelAsync(tag, cancellationToken: ct);
            await consumerChannel.QueueDeleteAsync(queue, cancellationToken: ct);
        }

        return new RawBrokerResult(version, body.Length, messages, publishRate, roundTrip, consumeRate, prefetch);
    }

    /// <summary>A body as large as the MassTransit envelope of a real <see cref="SurveyDue"/> (about 1 KB).</summary>
    internal static byte[] SurveyDueSizedBody()
    {
        var message = new SurveyDue(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Timepoints.Day3,
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic], Channels.Sms, new Contact("Benchmark", "+15550000000", null),
            "en", "America/New_York", new string('x', 22), DateTimeOffset.UtcNow.AddDays(2), 0);
        var envelope = new
        {
            messageId = Guid.CreateVersion7(),
            conversationId = Guid.CreateVersion7(),
            sourceAddress = "rabbitmq://127.0.0.1/painpro-benchmarks/vm_Scheduling_bus_abcdefghijklmnopqrstuvwxyz",
            destinationAddress = "rabbitmq://127.0.0.1/painpro-benchmarks/PainPro.Contracts:SurveyDue",
            messageType = new[] { "urn:message:PainPro.Contracts:SurveyDue" },
            message,
            sentTime = DateTimeOffset.UtcNow,
            headers = new Dictionary<string, object>(),
            host = new
            {
                machineName = "vm", processName = "PainPro.Scheduling", processId = 4242, assembly = "PainPro.Scheduling",
                assemblyVersion = "1.0.0.0", frameworkVersion = "10.0.0", massTransitVersion = "8.4.0.0", operatingSystemVersion = "Unix 6.1.0.0",
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }
}
