using Microsoft.AspNetCore.Builder;
using PainPro.AllInOne;
using PainPro.AllInOne.Demo;
using PainPro.Testing;

namespace PainPro.Portal.Tests;

/// <summary>
/// The whole system in-process, wired as AllInOne wires it (its AddAllServices and AddDemo; SQLite files in a fresh
/// directory, the in-memory bus, dev gateways, the simulated clock), with a known demo password so tests can sign in
/// as each role. The demo seed is off unless asked for.
/// </summary>
public sealed class PortalSystem : IAsyncDisposable
{
    public const string Password = "portal-test-password";

    private readonly string directory;

    private PortalSystem(PainProTestHost host, string directory)
    {
        Host = host;
        this.directory = directory;
    }

    public PainProTestHost Host { get; }
    public string BaseUrl => Host.BaseUrl;

    public static async Task<PortalSystem> StartAsync(bool demo = false, IDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "painpro-portal-tests", Guid.NewGuid().ToString("N"));
        var configuration = PainProTestHost.Configuration.Embedded(directory);
        configuration["PainPro:Portal:DemoPassword"] = Password;
        configuration["PainPro:Demo:Seed"] = demo ? "true" : "false";
        // Test patients live in UTC: with the default 09:00–19:00 window a run in the evening would hold every text
        // until the morning. The window's own behaviour is pinned by the Scheduling tests.
        configuration["PainPro:Scheduling:SendWindowStart"] = "00:00";
        configuration["PainPro:Scheduling:SendWindowEnd"] = "24:00";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;

        var host = await PainProTestHost.StartAsync("allinone", configuration,
            add: builder =>
            {
                builder.AddAllServices();
                builder.AddDemo();
            },
            map: app => app.MapAllServices(),
            // MVC loads the entry assembly by the application name; AllInOne's is the one production runs.
            applicationName: "PainPro.AllInOne");
        return new PortalSystem(host, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
