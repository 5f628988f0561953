using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace PainPro.IntegrationTests.OpenApi;

/// <summary>A contract change is a reviewed diff: the running services' documents must equal the committed ones.</summary>
public sealed class OpenApiDriftTests
{
    [Theory]
    [InlineData("scheduling")]
    [InlineData("messaging")]
    [InlineData("ingestion")]
    public async Task The_running_service_serves_its_committed_openapi_document(string service)
    {
        await using var host = await OpenApiDocuments.StartAsync(service);
        var served = await OpenApiDocuments.FetchAsync(host);
        if (OpenApiDocuments.Updating) await OpenApiDocuments.WriteCommittedAsync(service, served);

        Assert.True(File.Exists(OpenApiDocuments.CommittedPath(service)), $"docs/openapi/{service}.json is missing; run with {OpenApiDocuments.UpdateVariable}=1.");
        var differences = OpenApiComparer.Differences(OpenApiDocuments.ReadCommitted(service), served);
        Assert.True(differences.Count == 0, OpenApiComparer.Report(service, differences));
    }

    [Fact]
    public async Task An_endpoint_whose_shape_changed_is_reported_as_drift_naming_its_path()
    {
        // Scheduling as committed, plus one endpoint it does not have and one existing path answering another type.
        await using var host = await OpenApiDocuments.StartAsync("scheduling", mapMore: app =>
        {
            app.MapGet("/api/enrollments/{id:guid}/drift-probe", (Guid id) => TypedResults.Ok(new DriftProbe(id, 1)));
            app.MapDelete("/api/procedures/import", () => TypedResults.NoContent());
        });
        var served = await OpenApiDocuments.FetchAsync(host);

        var differences = OpenApiComparer.Differences(OpenApiDocuments.ReadCommitted("scheduling"), served);
        var report = OpenApiComparer.Report("scheduling", differences);

        Assert.Contains(differences, d => d.StartsWith("paths./api/enrollments/{id}/drift-probe: served, not in the committed document", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("paths./api/procedures/import.delete: served, not in the committed document", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("components.schemas.DriftProbe: served", StringComparison.Ordinal));
        Assert.Contains("docs/openapi/scheduling.json", report);
        Assert.Contains(OpenApiDocuments.UpdateVariable, report);
    }

    [Fact]
    public void A_changed_property_type_or_a_removed_response_is_named_by_its_place_in_the_document()
    {
        var committed = OpenApiDocuments.ReadCommitted("ingestion");
        var changed = JsonNode.Parse(committed.ToJsonString())!;
        var properties = changed["components"]!["schemas"]!["AlertView"]!["properties"]!.AsObject();
        properties["severity"] = new JsonObject { ["type"] = "integer" };
        changed["paths"]!["/api/alerts/{id}"]!["get"]!["responses"]!.AsObject().Remove("404");

        var differences = OpenApiComparer.Differences(committed, OpenApiComparer.Normalise(changed));

        Assert.Contains("components.schemas.AlertView.properties.severity.type: committed \"string\", served \"integer\"", differences);
        Assert.Contains(differences, d => d.StartsWith("paths./api/alerts/{id}.get.responses.404: committed, no longer served", StringComparison.Ordinal));
        Assert.Empty(OpenApiComparer.Differences(committed, OpenApiComparer.Normalise(JsonNode.Parse(committed.ToJsonString())!)));
    }

    [Fact]
    public async Task Scalar_is_served_in_dev_mode_only_and_the_document_always()
    {
        await using (var dev = await OpenApiDocuments.StartAsync("scheduling", devMode: true))
        {
            using var client = dev.CreateClient(withApiKey: false);
            var page = await client.GetAsync("/scalar");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("text/html", page.Content.Headers.ContentType?.ToString());
            Assert.Contains("scalar", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        await using var production = await OpenApiDocuments.StartAsync("scheduling", devMode: false);
        using var anonymous = production.CreateClient(withApiKey: false);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/scalar")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/scalar/v1")).StatusCode);
        var document = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("\"X-Api-Key\"", await document.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AllInOne_serves_one_document_describing_all_three_services()
    {
        await using var host = await Telemetry.TelemetryHosts.StartAllInOneAsync(new Dictionary<string, string?>());
        using var client = host.CreateClient(withApiKey: false);
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        Assert.Equal("PainPro (all services)", (string?)document["info"]!["title"]);
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var service in OpenApiDocuments.Services.Keys)
            Assert.All(OpenApiDocuments.ReadCommitted(service)["paths"]!.AsObject().Select(p => p.Key), path => Assert.Contains(path, paths));
        Assert.DoesNotContain(paths, p => p.StartsWith("/dev/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar")).StatusCode);
    }

    private sealed record DriftProbe(Guid EnrollmentId, int Version);
}
