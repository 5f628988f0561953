using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests;

/// <summary>
/// The bus watchdog's cure — stop and start the bus in process — works on real RabbitMQ: after it, each service's
/// probe makes the round trip through the broker and the whole slice (text, reply, alert, completion) goes through.
/// </summary>
public class BusRestartTests
{
    [Fact]
    public async Task After_every_service_restarts_its_bus_probes_return_and_the_slice_runs_end_to_end()
    {
        await using var topology = await Topology.StartSeparateAsync(TestDatabase.Postgres);

        foreach (var host in topology.Hosts)
        {
            var watchdog = host.Services.GetRequiredService<BusWatchdog>();
            Assert.True(await host.Services.GetRequiredService<BusProbes>().RoundTripAsync(host.Services.GetRequiredService<IBus>(), TimeSpan.FromSeconds(30), CancellationToken.None),
                "a probe sent before the restart did not come back");
            await watchdog.RestartAsync("restart on demand", CancellationToken.None);
            Assert.Equal(1, watchdog.Restarts);
            Assert.Null(watchdog.GaveUp);
            var probes = host.Services.GetRequiredService<BusProbes>();
            Assert.True(await probes.RoundTripAsync(host.Services.GetRequiredService<IBus>(), TimeSpan.FromSeconds(30), CancellationToken.None),
                "a probe sent after the restart did not come back");
        }

        await topology.NewSlice().RunAsync(TimeSpan.FromSeconds(90));
    }
}
