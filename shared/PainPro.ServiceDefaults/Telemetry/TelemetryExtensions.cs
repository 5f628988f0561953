using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PainPro.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>
    /// Traces and metrics as dotnet/eShop's ServiceDefaults wire them: ASP.NET Core, HttpClient, runtime, MassTransit's
    /// source (and Npgsql's when <see cref="TelemetryOptions.DatabaseSpans"/> asks), and PainPro's own spans and meter;
    /// exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with the other standard <c>OTEL_*</c>
    /// variables), and not recorded at all otherwise unless <c>PainPro:Telemetry:Enabled</c> asks for it. Part of
    /// <see cref="HostingExtensions.AddServiceDefaults"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPainProTelemetry(this IHostApplicationBuilder builder, TelemetryOptions telemetry)
    {
        // The instruments always exist (a counter nobody listens to costs a branch); only a provider makes them record.
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<GaugeReadings>();
        builder.Services.TryAddSingleton<PainProMetrics>();
        if (!telemetry.IsEnabled(builder.Configuration)) return builder;

        builder.Services.AddSingleton<IGaugeSource, OutboxGauges>();
        builder.Services.AddSingleton<GaugeSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GaugeSampler>());

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (the Helm chart's) win over the defaults named here.
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(ServiceName(builder.Environment.ApplicationName), serviceVersion: ServiceVersion());
            })
            .WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new PainProSampler(telemetry.SamplingRatio))
                    .AddSource(PainProActivity.SourceNames)
                    .AddSource(PainProActivity.MassTransitSource)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        // Probes every few seconds from the kubelet are not a causal chain anyone follows.
                        o.Filter = context => !context.Request.Path.StartsWithSegments("/health");
                        o.EnrichWithHttpRequest = RedactSurveyLink;
                    })
                    .AddHttpClientInstrumentation();
                // Not listened to, Npgsql creates no span at all: the opt-out costs nothing per command.
                if (telemetry.DatabaseSpans) tracing.AddSource(PainProActivity.NpgsqlSource);
            })
            .WithMetrics(metrics => metrics
                .AddMeter(PainProMetrics.MeterName, PainProActivity.MassTransitSource, PainProActivity.NpgsqlSource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());
        if (TelemetryOptions.OtlpEndpoint(builder.Configuration) is not null) otel.UseOtlpExporter();
        return builder;
    }

    /// <summary>A survey link's path is its secret: the span keeps the route, never the token.</summary>
    private static void RedactSurveyLink(Activity activity, HttpRequest request)
    {
        if (request.Path.StartsWithSegments("/s")) activity.SetTag("url.path", "/s/{token}");
    }

    /// <summary><c>PainPro.Scheduling</c> → <c>painpro-scheduling</c>, the name the Helm chart gives the deployment.</summary>
    internal static string ServiceName(string applicationName) => applicationName.Replace('.', '-').ToLowerInvariant();

    private static string ServiceVersion() =>
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

/// <summary>
/// Parent-based ratio sampling, minus the spans that start no causal chain: database commands with no parent (the relay's
/// and Hangfire's polls) and messages published or consumed outside any trace (the bus watchdog's probes) would otherwise
/// be a root trace each, every few seconds. Every message PainPro publishes has a parent: the relay publishes each under
/// its outbox row's trace, or a span of its own. Dropping a span still propagates "not sampled" to its children, so only
/// kinds whose children need no trace of their own are dropped here (an HTTP call with no parent is kept: its server is
/// traced under it).
/// </summary>
internal sealed class PainProSampler(double ratio) : Sampler
{
    private readonly Sampler inner = new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters parameters)
    {
        if (parameters.ParentContext.TraceId == default && (parameters.Kind is ActivityKind.Producer or ActivityKind.Consumer || IsDatabaseCommand(parameters)))
            return new SamplingResult(SamplingDecision.Drop);
        return inner.ShouldSample(parameters);
    }

    /// <summary>Npgsql names its command spans after the database system (and its connection opens <c>CONNECT {database}</c>).</summary>
    private static bool IsDatabaseCommand(in SamplingParameters parameters)
    {
        if (parameters.Kind != ActivityKind.Client) return false;
        if (parameters.Name == "postgresql" || parameters.Name.StartsWith("CONNECT ", StringComparison.Ordinal)) return true;
        if (parameters.Tags is null) return false;
        foreach (var tag in parameters.Tags)
            if (tag.Key is "db.system.name" or "db.system") return true;
        return false;
    }
}
