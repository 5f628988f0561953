using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>The public contract's paths reach the service that serves them through the chart's Ingress.</summary>
public sealed class IngressTests
{
    [Theory]
    [InlineData("/", "portal")]
    [InlineData("/login", "portal")]
    [InlineData("/worklist", "portal")]
    [InlineData("/webhooks/twilio/sms", "ingestion")]
    [InlineData("/webhooks/twilio/status", "messaging")]
    [InlineData("/s/k3JxQm9vT2Zw", "ingestion")]
    [InlineData("/api/procedures", "scheduling")]
    [InlineData("/api/patients/0190b2a4-7c1e-7000-8000-000000000001", "scheduling")]
    [InlineData("/api/enrollments/0190b2a4-7c1e-7000-8000-000000000001", "scheduling")]
    [InlineData("/api/enrollments/0190b2a4-7c1e-7000-8000-000000000001/cancel", "scheduling")]
    [InlineData("/api/enrollments/0190b2a4-7c1e-7000-8000-000000000001/responses", "ingestion")]
    [InlineData("/api/alerts", "ingestion")]
    [InlineData("/api/alerts/0190b2a4-7c1e-7000-8000-000000000001/acknowledge", "ingestion")]
    [InlineData("/api/surveys/0190b2a4-7c1e-7000-8000-000000000001", "ingestion")]
    [InlineData("/api/outcomes/summary", "ingestion")]
    [InlineData("/fhir/r4", "scheduling")]
    [InlineData("/fhir/r4/metadata", "ingestion")]
    [InlineData("/fhir/r4/Patient/0190b2a4-7c1e-7000-8000-000000000001/$everything", "ingestion")]
    public async Task Public_path_is_routed_to_the_service_that_serves_it(string path, string component)
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Production);
        var ingress = manifests.OfKind("Ingress").Single();

        Assert.Equal($"{HelmChart.ReleaseName}-{component}", Route(ingress, path));
    }

    [Fact]
    public async Task Every_ingress_backend_is_a_rendered_service_port()
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Production);

        foreach (var path in Paths(manifests.OfKind("Ingress").Single()))
        {
            var backend = path["backend"]!["service"]!;
            var service = manifests.Single("Service", (string)backend["name"]!);
            Assert.Contains(((JsonArray)service["spec"]!["ports"]!).OfType<JsonObject>(),
                p => (string?)p["name"] == (string?)backend["port"]!["name"]);
        }
    }

    [Fact]
    public async Task Ingress_serves_the_configured_host_over_its_tls_secret_and_only_it_is_trusted_to_forward()
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Production);
        var spec = manifests.OfKind("Ingress").Single()["spec"]!;

        Assert.Equal("prom.hospital.example", (string?)spec["rules"]![0]!["host"]);
        Assert.Equal("prom-hospital-example-tls", (string?)spec["tls"]![0]!["secretName"]);
        Assert.Equal("https://prom.hospital.example", manifests.SharedConfiguration["PainPro__PublicBaseUrl"]);
        // Forwarded headers (client address, https) are believed from the ingress pods' network only.
        Assert.Equal("10.244.0.0/16", manifests.SharedConfiguration["PainPro__TrustedProxyNetworks__0"]);
        Assert.DoesNotContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED", manifests.SharedConfiguration.Keys);
    }

    /// <summary>
    /// Which backend serves a request path: Exact and Prefix as Kubernetes defines them (Prefix by whole path
    /// elements), ImplementationSpecific as an anchored regular expression (ingress-nginx with use-regex);
    /// the longest matching path wins, an exact match first.
    /// </summary>
    private static string? Route(JsonNode ingress, string requestPath) =>
        Paths(ingress)
            .Select(p => (Path: (string)p["path"]!, Type: (string)p["pathType"]!, Service: (string?)p["backend"]!["service"]!["name"]))
            .Where(p => Matches(p.Type, p.Path, requestPath))
            .OrderByDescending(p => p.Type == "Exact")
            .ThenByDescending(p => p.Path.Length)
            .Select(p => p.Service)
            .FirstOrDefault();

    private static bool Matches(string type, string path, string request) => type switch
    {
        "Exact" => request == path,
        "Prefix" => path == "/" || request == path.TrimEnd('/') || request.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal),
        "ImplementationSpecific" => Regex.IsMatch(request, "^" + path, RegexOptions.IgnoreCase),
        _ => throw new Xunit.Sdk.XunitException($"unknown pathType {type}"),
    };

    private static IEnumerable<JsonObject> Paths(JsonNode ingress) =>
        ((JsonArray)ingress["spec"]!["rules"]!).OfType<JsonObject>()
        .SelectMany(rule => ((JsonArray)rule["http"]!["paths"]!).OfType<JsonObject>());
}
