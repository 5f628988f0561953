using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PainPro.Testing;

namespace PainPro.Benchmarks.Harness;

/// <summary>
/// A loopback OTLP/HTTP receiver that reads every export in full and discards it, answering 200 with an empty
/// protobuf body as a collector does: the services pay the whole cost of exporting, none of storing.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication app;
    private long bytes;
    private long traceRequests;
    private long metricRequests;

    private OtlpSink(WebApplication app, string baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public long Bytes => Interlocked.Read(ref bytes);
    public long TraceRequests => Interlocked.Read(ref traceRequests);
    public long MetricRequests => Interlocked.Read(ref metricRequests);

    public static async Task<OtlpSink> StartAsync()
    {
        var baseUrl = $"http://127.0.0.1:{TestInfrastructure.FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new OtlpSink(app, baseUrl);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            var buffer = new byte[16 * 1024];
            long read = 0;
            int n;
            while ((n = await request.Body.ReadAsync(buffer)) > 0) read += n;
            Interlocked.Add(ref sink.bytes, read);
            if (signal == "traces") Interlocked.Increment(ref sink.traceRequests);
            if (signal == "metrics") Interlocked.Increment(ref sink.metricRequests);
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return sink;
    }

    /// <summary>The standard variables a service reads to export here, as the Helm chart sets them.</summary>
    /// <param name="samplingRatio">The share of traces kept (<c>PainPro:Telemetry:SamplingRatio</c>, the chart's <c>telemetry.samplingRatio</c>).</param>
    public IReadOnlyDictionary<string, string?> ServiceSettings(double samplingRatio) => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = BaseUrl,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["PainPro:Telemetry:SamplingRatio"] = samplingRatio.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
