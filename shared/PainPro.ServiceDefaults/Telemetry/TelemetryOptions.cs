namespace PainPro.ServiceDefaults.Telemetry;

/// <summary>Traces and metrics (<c>PainPro:Telemetry</c>); the exporter itself takes the standard <c>OTEL_*</c> variables.</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// Whether spans and metrics are recorded at all. Null (the default): on exactly when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, so a service with no collector pays nothing for telemetry.
    /// True without an endpoint records for in-process readers only (tests).
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Share of new traces kept (0–1), decided where a trace starts; every later span follows its parent's decision
    /// (parent-based), so a kept trace is whole across the services. 1 keeps all.
    /// </summary>
    public double SamplingRatio { get; set; } = 1.0;

    /// <summary>
    /// Whether Npgsql's span per database command is recorded. Off by default: at 11–15 commands per survey they were
    /// most of a survey's trace volume, and a chain reads whole without them (the causal spans are PainPro's, MassTransit's
    /// and HTTP's). On, they join the trace of the work that ran them; parentless ones (pollers) are still dropped.
    /// </summary>
    public bool DatabaseSpans { get; set; }

    /// <summary>How often the gauges read from the database (outbox backlog, surveys due, open alerts) are refreshed.</summary>
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Null when usable, else what is wrong, naming the key.</summary>
    public string? Problem()
    {
        if (SamplingRatio is < 0 or > 1 || double.IsNaN(SamplingRatio))
            return "PainPro:Telemetry:SamplingRatio must be between 0 and 1 (1 keeps every trace).";
        if (GaugeInterval < TimeSpan.FromSeconds(1)) return "PainPro:Telemetry:GaugeInterval must be at least one second.";
        return null;
    }

    /// <summary>The OTLP endpoint the standard variable (or its configuration key) names, if any.</summary>
    public static string? OtlpEndpoint(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } endpoint ? endpoint : null;

    public bool IsEnabled(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Enabled ?? OtlpEndpoint(configuration) is not null;
}
