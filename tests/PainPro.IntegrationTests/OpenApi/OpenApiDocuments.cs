using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.Scheduling;
using PainPro.Testing;

namespace PainPro.IntegrationTests.OpenApi;

/// <summary>
/// Each HTTP service alone in a host (SQLite, in-memory bus) and its OpenAPI document as it serves it, and the
/// committed copies under <c>docs/openapi/</c>. Set <c>PAINPRO_UPDATE_OPENAPI=1</c> to rewrite the committed copies.
/// </summary>
internal static class OpenApiDocuments
{
    public const string UpdateVariable = "PAINPRO_UPDATE_OPENAPI";

    public static readonly IReadOnlyDictionary<string, (Action<WebApplicationBuilder> Add, Action<WebApplication> Map)> Services =
        new Dictionary<string, (Action<WebApplicationBuilder>, Action<WebApplication>)>
        {
            ["scheduling"] = (b => b.AddScheduling(), a => a.MapScheduling()),
            ["messaging"] = (b => b.AddMessaging(), a => a.MapMessaging()),
            ["ingestion"] = (b => b.AddIngestion(), a => a.MapIngestion()),
        };

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true";

    public static string CommittedPath(string service) =>
        Path.Combine(TestInfrastructure.RepositoryRoot, "docs", "openapi", $"{service}.json");

    public static async Task<PainProTestHost> StartAsync(string service, bool devMode = true, Action<WebApplication>? mapMore = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "painpro-openapi-" + Guid.NewGuid().ToString("N"));
        var config = PainProTestHost.Configuration.Embedded(directory);
        config["PainPro:Dev:Enabled"] = devMode ? "true" : "false";
        if (!devMode) config.WithDataProtection();
        var (add, map) = Services[service];
        return await PainProTestHost.StartAsync(service, config, add, a =>
        {
            map(a);
            mapMore?.Invoke(a);
        }, applicationName: $"PainPro.{char.ToUpperInvariant(service[0])}{service[1..]}");
    }

    /// <summary>The document the host serves, anonymously, normalised.</summary>
    public static async Task<JsonNode> FetchAsync(PainProTestHost host)
    {
        using var client = host.CreateClient(withApiKey: false);
        var document = await client.GetFromJsonAsync<JsonNode>("/openapi/v1.json")
            ?? throw new InvalidOperationException("/openapi/v1.json answered null.");
        return OpenApiComparer.Normalise(document);
    }

    public static JsonNode ReadCommitted(string service) =>
        OpenApiComparer.Normalise(JsonNode.Parse(File.ReadAllText(CommittedPath(service)))!);

    public static Task WriteCommittedAsync(string service, JsonNode document) =>
        File.WriteAllTextAsync(CommittedPath(service), OpenApiComparer.Write(document) + "\n");
}
