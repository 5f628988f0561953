using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using PainPro.Testing;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>
/// The chart in <c>deploy/helm/painpro</c> rendered by the real <c>helm template</c> with one of the value sets
/// the project ships. Renders are cached: every test of a value set reads the same manifests.
/// </summary>
public static class HelmChart
{
    public const string Default = "default";
    public const string Production = "production";
    /// <summary>What Tilt deploys: the chart's development mode (in-release PostgreSQL, RabbitMQ, maildev).</summary>
    public const string Development = "development";
    /// <summary>The chart's defaults with <c>database.provider: sqlserver</c> (ci/sqlserver-values.yaml).</summary>
    public const string SqlServer = "sqlserver";

    public const string ReleaseName = "painpro";
    public const string Namespace = "painpro";

    public static readonly string[] Services = ["scheduling", "messaging", "ingestion", "portal"];

    public static TheoryData<string> ValueSets => new() { Default, Production, Development, SqlServer };

    public static string ChartDirectory => Path.Combine(TestInfrastructure.RepositoryRoot, "deploy", "helm", "painpro");

    /// <summary>The values files of a value set, relative to the repository root.</summary>
    public static IReadOnlyList<string> ValuesFiles(string valueSet) => valueSet switch
    {
        Default => [],
        Production => ["deploy/helm/painpro/ci/production-values.yaml"],
        Development => ["deploy/tilt-values.yaml"],
        SqlServer => ["deploy/helm/painpro/ci/sqlserver-values.yaml"],
        _ => throw new ArgumentOutOfRangeException(nameof(valueSet), valueSet, "Unknown value set."),
    };

    private static readonly ConcurrentDictionary<string, Lazy<Task<Manifests>>> Renders = new();

    public static Task<Manifests> RenderAsync(string valueSet) =>
        Renders.GetOrAdd(valueSet, v => new Lazy<Task<Manifests>>(() => RenderUncachedAsync(v))).Value;

    /// <summary>A fresh render (no cache), for what must differ between two renders.</summary>
    /// <param name="set">Extra <c>--set</c> values (key=value), for what no shipped value set holds.</param>
    public static async Task<Manifests> RenderUncachedAsync(string valueSet, params string[] set)
    {
        var arguments = $"template {ReleaseName} \"{ChartDirectory}\" --namespace {Namespace}" +
                        string.Concat(ValuesFiles(valueSet).Select(f => $" -f \"{Path.Combine(TestInfrastructure.RepositoryRoot, f)}\"")) +
                        string.Concat(set.Select(s => $" --set \"{s}\""));
        var yaml = await TestInfrastructure.RunAsync(Helm, arguments, TimeSpan.FromMinutes(1));
        return new Manifests(YamlDocuments.Parse(yaml));
    }

    /// <summary>
    /// The helm binary: <c>PAINPRO_HELM</c>, else <c>helm</c> on the PATH, else the one tests/run.sh installs.
    /// Missing helm fails the tests: a chart nobody rendered is not a chart that passed.
    /// </summary>
    public static string Helm { get; } = FindHelm();

    private static string FindHelm()
    {
        if (Environment.GetEnvironmentVariable("PAINPRO_HELM") is { Length: > 0 } configured)
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"PAINPRO_HELM points to {configured}, which does not exist.");
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "helm"))
            .Append(Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".tools", "helm", "helm"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "helm was not found: set PAINPRO_HELM or put helm on the PATH (tests/run.sh installs Helm 4 into tests/.tools/helm).");
    }
}

/// <summary>The objects of one render, with the lookups the tests need.</summary>
public sealed class Manifests(IReadOnlyList<JsonObject> objects)
{
    public IReadOnlyList<JsonObject> All { get; } = objects;

    public IEnumerable<JsonObject> OfKind(string kind) => All.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => Name(o) == name)
        ?? throw new Xunit.Sdk.XunitException($"No {kind} named {name} was rendered; rendered: {string.Join(", ", All.Select(o => $"{o["kind"]}/{Name(o)}"))}");

    public JsonObject Deployment(string component) => Single("Deployment", $"{HelmChart.ReleaseName}-{component}");

    /// <summary>The ConfigMap every service reads its shared settings from.</summary>
    public IReadOnlyDictionary<string, string> SharedConfiguration =>
        ((JsonObject)Single("ConfigMap", $"{HelmChart.ReleaseName}-config")["data"]!)
        .ToDictionary(p => p.Key, p => (string?)p.Value ?? "");

    public static string Name(JsonObject o) => (string?)o["metadata"]?["name"] ?? "";

    public static JsonObject PodSpec(JsonObject deployment) => (JsonObject)deployment["spec"]!["template"]!["spec"]!;

    public static IEnumerable<JsonObject> Containers(JsonObject deployment) =>
        ((JsonArray?)PodSpec(deployment)["containers"] ?? []).OfType<JsonObject>()
        .Concat(((JsonArray?)PodSpec(deployment)["initContainers"] ?? []).OfType<JsonObject>());

    public static IEnumerable<JsonObject> Env(JsonObject container) =>
        ((JsonArray?)container["env"] ?? []).OfType<JsonObject>();
}
