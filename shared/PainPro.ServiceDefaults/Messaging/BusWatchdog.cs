using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Messaging;

/// <summary>A message a service sends to itself through the broker to learn whether messages still move.</summary>
public sealed record BusProbe(Guid Id);

/// <summary>Round trips of <see cref="BusProbe"/>: sent by the watchdog, completed by <see cref="BusProbeConsumer"/>.</summary>
public sealed class BusProbes
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> pending = new();

    /// <summary>This process's own probe queue: temporary, so replicas and restarts never share one.</summary>
    public string Queue { get; } = $"bus-probe-{Guid.NewGuid():N}";

    /// <summary>
    /// The probe queue's address as the bus configured it (set when the bus is built). It carries
    /// <c>durable=false&amp;autodelete=true</c>: a plain <c>queue:</c> address would redeclare the queue durable and the
    /// broker would close the channel.
    /// </summary>
    public Uri Address { get; internal set; } = null!;

    /// <summary>Sends a probe to this process's queue and waits for it to be consumed; false when it does not come back in time.</summary>
    public async Task<bool> RoundTripAsync(IBus bus, TimeSpan within, CancellationToken ct)
    {
        var probe = new BusProbe(Guid.NewGuid());
        var returned = pending.GetOrAdd(probe.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(within);
        try
        {
            var endpoint = await bus.GetSendEndpoint(Address).WaitAsync(deadline.Token);
            // A send stuck on a lost confirm must not outlive the probe: WaitAsync returns at the deadline either way.
            await endpoint.Send(probe, deadline.Token).WaitAsync(deadline.Token);
            await returned.Task.WaitAsync(deadline.Token);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Timed out, or the send faulted: either way the probe did not make the trip.
            return false;
        }
        finally
        {
            pending.TryRemove(probe.Id, out _);
        }
    }

    internal void Returned(Guid id)
    {
        if (pending.TryGetValue(id, out var waiting)) waiting.TrySetResult();
    }
}

public sealed class BusProbeConsumer(BusProbes probes) : IConsumer<BusProbe>
{
    public Task Consume(ConsumeContext<BusProbe> context)
    {
        probes.Returned(context.Message.Id);
        return Task.CompletedTask;
    }
}

/// <summary>Whether the broker accepts connections at all: the watchdog only judges the bus while it does.</summary>
public interface IBrokerReachability
{
    Task<bool> IsReachableAsync(CancellationToken ct);
}

/// <summary>A TCP connect to the configured RabbitMQ host and port, bounded to a few seconds.</summary>
internal sealed class TcpBrokerReachability(IOptions<PainProOptions> options) : IBrokerReachability
{
    public async Task<bool> IsReachableAsync(CancellationToken ct)
    {
        var uri = new Uri(options.Value.Bus.RabbitMqUri);
        var port = uri.Port > 0 ? uri.Port : uri.Scheme == "amqps" ? 5671 : 5672;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(uri.Host, port, deadline.Token);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>
/// Restarts the bus when RabbitMQ accepts connections yet messages stopped moving: a probe sent to ourselves does not
/// come back, or the outbox relay's batches go unconfirmed again and again. After a broker restart, or a channel the
/// broker closed, MassTransit 8.4 on RabbitMQ.Client 7.x can be left like that — publishes waiting on confirms that
/// never come, consumers that never resume — while its own health check may say anything; only a restart cures it.
/// The watchdog does that restart in process; if even that fails, <c>/health/live</c> fails so the orchestrator
/// restarts the process.
/// </summary>
public sealed class BusWatchdog(
    IBusControl bus,
    BusProbes probes,
    IBrokerReachability broker,
    OutboxRelayStatus relay,
    IOptions<PainProOptions> options,
    ILogger<BusWatchdog> logger) : BackgroundService
{
    /// <summary>Probes lost in a row before the bus is restarted.</summary>
    internal const int LostProbesBeforeRestart = 2;
    /// <summary>Unconfirmed relay batches in a row before the bus is restarted.</summary>
    internal const int RelayTimeoutsBeforeRestart = 3;
    private const int FailedRestartsBeforeGivingUp = 3;

    private int lostProbes;
    private int failedRestarts;
    /// <summary>Relay timeouts already accounted for: seen while the broker was away, or before the last restart.</summary>
    private int relayTimeoutsCounted;

    public int Restarts { get; private set; }

    /// <summary>Set when restarting the bus itself failed repeatedly: only a new process will do.</summary>
    public string? GaveUp { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.Bus.ProbeInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stoppingToken);
                await CheckOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                logger.LogError(ex, "Bus watchdog check failed");
            }
        }
    }

    /// <summary>One look: probe while the broker is reachable; restart the bus when messages are not moving.</summary>
    internal async Task CheckOnceAsync(CancellationToken ct)
    {
        var relayTimeouts = relay.Snapshot().Values.Select(e => e.ConsecutiveTimeouts).DefaultIfEmpty(0).Max();
        if (!await broker.IsReachableAsync(ct))
        {
            // The broker is down: MassTransit's reconnect loop waits for it, a restart would not help, and relay
            // timeouts now are expected — only those while the broker is reachable count.
            lostProbes = 0;
            relayTimeoutsCounted = relayTimeouts;
            return;
        }

        if (relayTimeouts < relayTimeoutsCounted) relayTimeoutsCounted = 0;
        var relayStuck = relayTimeouts >= relayTimeoutsCounted + RelayTimeoutsBeforeRestart;

        var timeout = options.Value.Bus.ProbeTimeout;
        if (await probes.RoundTripAsync(bus, timeout, ct))
        {
            lostProbes = 0;
            GaveUp = null;
            if (!relayStuck) return;
        }
        else
        {
            lostProbes++;
            logger.LogWarning("Bus probe did not come back within {Timeout} though RabbitMQ accepts connections ({Lost} in a row; bus reports {Health})",
                timeout, lostProbes, bus.CheckHealth().Status);
            if (lostProbes < LostProbesBeforeRestart && !relayStuck) return;
        }

        var why = relayStuck
            ? $"{relayTimeouts} outbox batches in a row went unconfirmed"
            : $"{lostProbes} probes in a row did not come back";
        await RestartAsync(why, ct);
        relayTimeoutsCounted = relayTimeouts;
    }

    /// <summary>Stops and starts the bus: new connection, new channels, fresh send-endpoint caches.</summary>
    public async Task RestartAsync(string why, CancellationToken ct)
    {
        logger.LogWarning("RabbitMQ is reachable but messages stopped moving ({Why}); restarting the bus", why);
        try
        {
            using (var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                stopping.CancelAfter(TimeSpan.FromSeconds(30));
                await bus.StopAsync(stopping.Token);
            }
            using (var starting = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                starting.CancelAfter(TimeSpan.FromSeconds(60));
                await bus.StartAsync(starting.Token);
            }
            Restarts++;
            lostProbes = 0;
            failedRestarts = 0;
            GaveUp = null;
            logger.LogWarning("Bus restarted ({Restarts} so far); messages held back go out from the outbox and the queues", Restarts);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            failedRestarts++;
            logger.LogError(ex, "Restarting the bus failed ({Failed} in a row)", failedRestarts);
            if (failedRestarts >= FailedRestartsBeforeGivingUp)
                GaveUp = $"restarting the bus failed {failedRestarts} times in a row: {ex.Message}";
        }
    }
}

/// <summary>Liveness: fails only when the watchdog could not bring the bus back, so the orchestrator restarts the process.</summary>
internal sealed class BusWatchdogHealthCheck(BusWatchdog watchdog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(watchdog.GaveUp is { } why
            ? HealthCheckResult.Unhealthy($"The bus cannot be brought back in process: {why}")
            : HealthCheckResult.Healthy($"Bus restarts so far: {watchdog.Restarts}"));
}
