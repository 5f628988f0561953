using Microsoft.AspNetCore.Builder;
using PainPro.AllInOne;
using PainPro.Testing;

namespace PainPro.IntegrationTests.Telemetry;

/// <summary>AllInOne (SQLite, in-memory bus) for the telemetry tests, with extra settings and registrations.</summary>
internal static class TelemetryHosts
{
    public static Task<PainProTestHost> StartAllInOneAsync(IDictionary<string, string?> extra, Action<WebApplicationBuilder>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "painpro-telemetry-" + Guid.NewGuid().ToString("N"));
        var port = TestInfrastructure.FreePort();
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Embedded(directory))
        {
            ["PainPro:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["PainPro:Demo:Seed"] = "false",
        };
        foreach (var (key, value) in extra) config[key] = value;
        return PainProTestHost.StartAsync("PainPro.AllInOne", config, b =>
        {
            b.AddAllServices();
            configure?.Invoke(b);
        }, a => a.MapAllServices(), port: port);
    }

    public static ThinSlice NewSlice(PainProTestHost host) =>
        new(host.CreateClient(), host.CreateClient(), host.CreateClient(), host.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken);
}
