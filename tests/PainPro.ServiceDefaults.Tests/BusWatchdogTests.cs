using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Messaging;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

public class BusWatchdogTests
{
    [Fact]
    public async Task Two_probes_lost_while_the_broker_is_reachable_restart_the_bus_once()
    {
        var (watchdog, bus, _) = Create();
        bus.Stalled = true;

        await watchdog.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(0, bus.Stops);

        await watchdog.CheckOnceAsync(CancellationToken.None);
        Assert.Equal((1, 1), (bus.Stops, bus.Starts));
        Assert.Equal(1, watchdog.Restarts);

        // The restarted bus moves messages again: probes come back and nothing more happens.
        await watchdog.CheckOnceAsync(CancellationToken.None);
        await watchdog.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(1, bus.Stops);
    }

    [Fact]
    public async Task While_the_broker_is_unreachable_the_bus_is_left_to_its_own_reconnect()
    {
        var (watchdog, bus, _) = Create();
        bus.Stalled = true;
        bus.Reachable = false;

        for (var i = 0; i < 4; i++) await watchdog.CheckOnceAsync(CancellationToken.None);

        Assert.Equal(0, bus.Stops);
        Assert.Equal(0, bus.ProbesSent);
    }

    [Fact]
    public async Task Relay_batches_unconfirmed_three_times_while_probes_return_restart_the_bus()
    {
        var (watchdog, bus, relay) = Create();
        relay.Succeeded("messaging");
        for (var i = 0; i < 2; i++) relay.Failed("messaging", new TimeoutException("The broker did not confirm 2 messages"));

        await watchdog.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(0, bus.Stops);

        relay.Failed("messaging", new TimeoutException("The broker did not confirm 2 messages"));
        await watchdog.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(1, bus.Stops);

        // The same three timeouts are not counted again.
        await watchdog.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(1, bus.Stops);
    }

    [Fact]
    public async Task Relay_timeouts_during_a_broker_outage_do_not_restart_the_bus_when_it_comes_back()
    {
        var (watchdog, bus, relay) = Create();
        bus.Reachable = false;
        for (var i = 0; i < 4; i++) relay.Failed("messaging", new TimeoutException("The broker did not confirm 500 messages"));
        await watchdog.CheckOnceAsync(CancellationToken.None);

        bus.Reachable = true;
        await watchdog.CheckOnceAsync(CancellationToken.None);

        Assert.Equal(0, bus.Stops);
    }

    [Fact]
    public async Task The_broker_is_reachable_only_when_its_port_accepts_connections()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        static IBrokerReachability At(int port) =>
            new TcpBrokerReachability(Options.Create(new PainProOptions { Bus = { RabbitMqUri = $"amqp://guest:guest@127.0.0.1:{port}/" } }));

        Assert.True(await At(port).IsReachableAsync(CancellationToken.None));
        listener.Stop();
        Assert.False(await At(port).IsReachableAsync(CancellationToken.None));
    }

    private static (BusWatchdog, FakeBus, OutboxRelayStatus) Create()
    {
        var probes = new BusProbes { Address = new Uri("rabbitmq://localhost/bus-probe?durable=false&autodelete=true") };
        var bus = FakeBus.Create(probes);
        var relay = new OutboxRelayStatus(TimeProvider.System);
        var options = Options.Create(new PainProOptions { Bus = { ProbeTimeout = TimeSpan.FromMilliseconds(200) } });
        return (new BusWatchdog((IBusControl)(object)bus, probes, bus, relay, options, NullLogger<BusWatchdog>.Instance), bus, relay);
    }

    /// <summary>
    /// A bus, and its broker's reachability: while stalled its sends never complete (a lost confirm), otherwise a probe
    /// sent is consumed at once. It reports itself healthy throughout, as a wedged MassTransit bus can. A restart (stop,
    /// then start) un-stalls it.
    /// </summary>
    public class FakeBus : DispatchProxy, IBrokerReachability
    {
        private BusProbes probes = null!;
        public bool Stalled { get; set; }
        public bool Reachable { get; set; } = true;
        public int Stops { get; private set; }
        public int Starts { get; private set; }
        public int ProbesSent { get; private set; }

        public static FakeBus Create(BusProbes probes)
        {
            var bus = (FakeBus)(object)Create<IBusControl, FakeBus>();
            bus.probes = probes;
            return bus;
        }

        public Task<bool> IsReachableAsync(CancellationToken ct) => Task.FromResult(Reachable);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            switch (method!.Name)
            {
                case nameof(IBusControl.CheckHealth):
                    return BusHealthResult.Healthy("connected", new Dictionary<string, EndpointHealthResult>());
                case nameof(IBusControl.StopAsync):
                    Stops++;
                    return Task.CompletedTask;
                case nameof(IBusControl.StartAsync):
                    Starts++;
                    Stalled = false;
                    return Task.FromResult<BusHandle>(null!);
                case nameof(IBus.GetSendEndpoint):
                    ProbesSent++;
                    return Stalled ? new TaskCompletionSource<ISendEndpoint>().Task : Task.FromResult(SendEndpoint.Create(probes));
                default:
                    throw new NotSupportedException(method.Name);
            }
        }
    }

    public class SendEndpoint : DispatchProxy
    {
        private BusProbes probes = null!;

        public static ISendEndpoint Create(BusProbes probes)
        {
            var endpoint = Create<ISendEndpoint, SendEndpoint>();
            ((SendEndpoint)(object)endpoint).probes = probes;
            return endpoint;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(ISendEndpoint.Send) && args![0] is BusProbe probe)
            {
                probes.Returned(probe.Id);
                return Task.CompletedTask;
            }
            throw new NotSupportedException(method.Name);
        }
    }
}
