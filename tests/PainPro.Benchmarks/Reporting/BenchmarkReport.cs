using System.Text.Json;
using System.Text.Json.Serialization;
using PainPro.Benchmarks.Broker;
using PainPro.Benchmarks.Harness;
using PainPro.Benchmarks.Sections;

namespace PainPro.Benchmarks.Reporting;

/// <param name="Load">What the service was doing when its peak was reached.</param>
public sealed record MemoryResult(string Service, long PeakRssBytes, string Load);

/// <summary>Everything one run measured, as written to the JSON file and rendered as the Markdown table.</summary>
public sealed class BenchmarkReport
{
    public required string Size { get; init; }

    /// <summary>Npgsql settings laid over every connection string, when the run tried some.</summary>
    public string? NpgsqlOptions { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public TimeSpan Duration { get; set; }
    public required MachineInfo Machine { get; init; }
    public RawBrokerResult? Broker { get; set; }
    public IdleResult? Idle { get; set; }
    public DispatchResult? Dispatch { get; set; }
    public List<ReplyStepResult> Replies { get; } = [];
    public List<ScaleResult> Scale { get; } = [];
    public List<FlowProfile> Profiles { get; } = [];
    public List<MemoryResult> Memory { get; } = [];
    public Sections.TelemetryOverheadResult? Telemetry { get; set; }
    public List<Sections.JobThroughputResult> Jobs { get; } = [];

    /// <summary>Sections that could not complete; any entry makes the run exit non-zero.</summary>
    public List<string> Failures { get; } = [];

    public int? HighestReplyRateHeld => ReplyBenchmark.HighestRateHeld(Replies);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A section with no samples reports NaN percentiles rather than inventing a zero.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
