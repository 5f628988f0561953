using System.Net;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests;

public class ThinSliceTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task Four_separate_hosts_on_rabbitmq_and_a_database_server_carry_a_reply_of_9_to_a_pain_progression_alert(string provider)
    {
        await using var topology = await Topology.StartSeparateAsync(provider);
        await AssertAllReadyAsync(topology);

        await topology.NewSlice().RunAsync();
    }

    [Fact]
    public async Task AllInOne_carries_a_reply_of_9_to_a_pain_progression_alert()
    {
        await using var topology = await Topology.StartAllInOneAsync();
        await AssertAllReadyAsync(topology);

        await topology.NewSlice().RunAsync();
    }

    private static async Task AssertAllReadyAsync(Topology topology)
    {
        foreach (var host in topology.Hosts)
        {
            using var client = host.CreateClient(withApiKey: false);
            await Testing.Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
                $"{host.BaseUrl}/health/ready", TimeSpan.FromSeconds(30));
        }
    }
}
