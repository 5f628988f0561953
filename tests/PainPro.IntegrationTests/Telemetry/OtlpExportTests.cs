using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests.Telemetry;

public sealed class OtlpExportTests
{
    [Fact]
    public async Task AllInOne_with_an_otlp_endpoint_delivers_its_traces_and_metrics_to_the_collector()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var host = await TelemetryHosts.StartAllInOneAsync(new Dictionary<string, string?>
        {
            // The standard variables, as the Helm chart sets them (configuration reads the environment the same way).
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "painpro-allinone",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.version=9.9.9-test,deployment.environment.name=ci",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        await using (host)
        {
            await TelemetryHosts.NewSlice(host).RunAsync();

            // OTLP/protobuf carries strings as UTF-8: the service's name and our span and instrument names are readable in it.
            await Eventually.TrueAsync(() => Task.FromResult(collector.Received("/v1/traces", "painpro-allinone", "9.9.9-test", "claim due surveys", "handle sms reply")),
                "the claim's and the reply's spans at the collector; received " + collector.Summary());
            await Eventually.TrueAsync(() => Task.FromResult(collector.Received("/v1/metrics", "painpro-allinone", "painpro.surveys.claimed", "painpro.alerts.raised")),
                "PainPro's metrics at the collector");
        }
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_nothing_is_recorded_or_exported()
    {
        var host = await TelemetryHosts.StartAllInOneAsync(new Dictionary<string, string?>());
        await using (host)
        {
            Assert.Null(host.Services.GetService<TracerProvider>());
            Assert.Null(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
            Assert.Null(host.Services.GetService<PainPro.ServiceDefaults.Telemetry.GaugeSampler>());
        }
    }

    /// <summary>A loopback OTLP/HTTP collector: keeps every body posted to <c>/v1/traces</c>, <c>/v1/metrics</c> or <c>/v1/logs</c>.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> bodies = new();

        private OtlpReceiver(WebApplication app, string baseUrl)
        {
            this.app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public static async Task<OtlpReceiver> StartAsync()
        {
            var baseUrl = $"http://127.0.0.1:{TestInfrastructure.FreePort()}";
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(baseUrl);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new OtlpReceiver(app, baseUrl);
            app.MapPost("/v1/{signal}", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                receiver.bodies.Enqueue((request.Path.Value!, body.ToArray()));
                return Results.Bytes([], "application/x-protobuf");
            });
            await app.StartAsync();
            return receiver;
        }

        public bool Received(string path, params string[] texts)
        {
            var all = bodies.Where(b => b.Path == path).Select(b => Encoding.UTF8.GetString(b.Body)).ToList();
            return texts.All(t => all.Any(body => body.Contains(t, StringComparison.Ordinal)));
        }

        public string Summary() => string.Join(", ", bodies.GroupBy(b => b.Path).Select(g => $"{g.Key}: {g.Count()} bodies"));

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
