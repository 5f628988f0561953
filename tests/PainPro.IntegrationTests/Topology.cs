using PainPro.AllInOne;
using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.Portal;
using PainPro.Scheduling;
using PainPro.Testing;

namespace PainPro.IntegrationTests;

/// <summary>
/// The two ways PainPro runs: four separate hosts on one RabbitMQ and one database server, PostgreSQL or SQL Server (as on Kubernetes), or
/// AllInOne (SQLite files, in-memory bus). Both expose the clients the thin slice needs.
/// </summary>
public sealed class Topology : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> owned = [];

    public required PainProTestHost SchedulingHost { get; init; }
    public required PainProTestHost MessagingHost { get; init; }
    public required PainProTestHost IngestionHost { get; init; }
    public required PainProTestHost PortalHost { get; init; }
    public required string PublicBaseUrl { get; init; }

    public IEnumerable<PainProTestHost> Hosts => new[] { SchedulingHost, MessagingHost, IngestionHost, PortalHost }.Distinct();

    public ThinSlice NewSlice() => new(SchedulingHost.CreateClient(), MessagingHost.CreateClient(), IngestionHost.CreateClient(),
        PublicBaseUrl, PainProTestHost.Configuration.TwilioAuthToken);

    /// <param name="provider"><see cref="TestDatabase.Postgres"/> or <see cref="TestDatabase.SqlServer"/>.</param>
    /// <param name="configure">Settings every host gets on top of production's (one shared configuration, as a deployment has).</param>
    public static async Task<Topology> StartSeparateAsync(string provider, Action<Dictionary<string, string?>>? configure = null)
    {
        var database = await TestDatabase.CreateServerAsync(provider)
            ?? throw new ArgumentOutOfRangeException(nameof(provider), provider, "separate hosts share a database server");
        var rabbit = await RabbitMqVirtualHost.CreateAsync();
        // One public origin, as behind the ingress: Twilio signs the Ingestion webhook URL on it.
        var ingestionPort = TestInfrastructure.FreePort();
        var publicBaseUrl = $"http://127.0.0.1:{ingestionPort}";
        Dictionary<string, string?> Config()
        {
            var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Production(database.Provider, database.ConnectionString, rabbit.Uri))
            {
                ["PainPro:PublicBaseUrl"] = publicBaseUrl,
            };
            configure?.Invoke(config);
            return config;
        }

        var hosts = await Task.WhenAll(
            PainProTestHost.StartAsync("scheduling", Config(), b => b.AddScheduling(), a => a.MapScheduling()),
            PainProTestHost.StartAsync("messaging", Config(), b => b.AddMessaging(), a => a.MapMessaging()),
            PainProTestHost.StartAsync("ingestion", Config(), b => b.AddIngestion(), a => a.MapIngestion(), port: ingestionPort),
            PainProTestHost.StartAsync("portal", Config(), b => b.AddPortal(), a => a.MapPortal(), applicationName: "PainPro.Portal"));
        var topology = new Topology
        {
            SchedulingHost = hosts[0], MessagingHost = hosts[1], IngestionHost = hosts[2], PortalHost = hosts[3],
            PublicBaseUrl = publicBaseUrl,
        };
        topology.owned.AddRange([rabbit, database]);
        return topology;
    }

    public static async Task<Topology> StartAllInOneAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "painpro-allinone-" + Guid.NewGuid().ToString("N"));
        var port = TestInfrastructure.FreePort();
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Embedded(directory))
        {
            ["PainPro:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["PainPro:Demo:Seed"] = "false",
        };
        var host = await PainProTestHost.StartAsync("PainPro.AllInOne", config, b => b.AddAllServices(), a => a.MapAllServices(), port: port);
        return new Topology
        {
            SchedulingHost = host, MessagingHost = host, IngestionHost = host, PortalHost = host,
            PublicBaseUrl = host.BaseUrl,
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts) await host.DisposeAsync();
        foreach (var resource in owned) await resource.DisposeAsync();
    }
}
