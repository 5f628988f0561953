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

    /// <summary>Sends a probe to this process's queue and waits for it to be consumed; false when it does not come back in time.</summary>
    public async Task<bool> RoundTripAsync(IBus bus, TimeSpan within, CancellationToken ct)
    {
        var probe = new BusProbe(Guid.NewGuid());
        var returned = pending.GetOrAdd(probe.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(within);
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{Queue}")).WaitAsync(deadline.Token);
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

/// <summary>
/// Restarts the bus when RabbitMQ is reachable and the bus says it is connected, yet messages stopped moving: a probe
/// sent to ourselves does not come back, or the outbox relay's batches go unconfirmed again and again. After a broker
/// restart, MassTransit 8.4 on RabbitMQ.Client 7.x can be left like that — publishes waiting on confirms that never
/// come, consumers that never resume — with nothing but a restart to cure it. The watchdog does that restart in
/// process; if even that fails, <c>/health/live</c> fails so the orchestrator restarts the process.
/// </summary>
public sealed class BusWatchdog(
    IBusControl bus,
    BusProbes probes,
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

    /// <summary>One look: probe when the bus says it is healthy; restart it when messages are not moving.</summary>
    internal async Task CheckOnceAsync(CancellationToken ct)
    {
        var relayTimeouts = relay.Snapshot().Values.Select(e => e.ConsecutiveTimeouts).DefaultIfEmpty(0).Max();
        if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            // Connecting or the broker is down: MassTransit's own reconnect loop is at work; a probe would prove nothing,
            // and relay timeouts while the broker is away are expected — only those while it looks healthy count.
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
            if (!relayStuck) return;
        }
        else
        {
            lostProbes++;
            logger.LogWarning("Bus probe did not come back within {Timeout} though the bus reports healthy ({Lost} in a row)", timeout, lostProbes);
            if (lostProbes < LostProbesBeforeRestart && !relayStuck) return;
        }

        var why = relayStuck
            ? $"{relayTimeouts} outbox batches in a row went unconfirmed"
            : $"{lostProbes} probes in a row did not come back";
        await RestartAsync(why, ct);
        relayTimeoutsCounted = relayTimeouts;
    }

    private async Task RestartAsync(string why, CancellationToken ct)
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
internal sealed class BusWatchdogHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var watchdog = services.GetService(typeof(BusWatchdog)) as BusWatchdog;
        return Task.FromResult(watchdog?.GaveUp is { } why
            ? HealthCheckResult.Unhealthy($"The bus cannot be brought back in process: {why}")
            : HealthCheckResult.Healthy(watchdog is null ? "No watchdog (in-memory bus)" : $"Bus restarts so far: {watchdog.Restarts}"));
    }
}
