using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace PainPro.IntegrationTests.Telemetry;

/// <summary>An in-memory span exporter: a snapshot of each finished span, safe to read while services keep exporting.</summary>
public sealed class SpanRecorder : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<RecordedSpan> spans = new();

    public IReadOnlyList<RecordedSpan> Spans => [.. spans];

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch) spans.Enqueue(RecordedSpan.Of(activity));
        return ExportResult.Success;
    }
}

public sealed record RecordedSpan(
    string Source, string Name, ActivityKind Kind, string TraceId, string SpanId, string? ParentSpanId,
    DateTime Start, TimeSpan Duration, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> LinkedTraceIds,
    IReadOnlyList<string> Texts)
{
    public static RecordedSpan Of(Activity a)
    {
        var tags = a.TagObjects.Where(t => t.Value is not null).GroupBy(t => t.Key)
            .ToDictionary(g => g.Key, g => Convert.ToString(g.Last().Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        // Everything a span carries as text, for the "no patient identifier anywhere" check.
        var texts = new List<string> { a.DisplayName, a.OperationName, a.StatusDescription ?? "" };
        texts.AddRange(tags.Keys.Concat(tags.Values));
        foreach (var e in a.Events)
        {
            texts.Add(e.Name);
            texts.AddRange(e.Tags.Select(t => $"{t.Key}={t.Value}"));
        }
        foreach (var l in a.Links) texts.AddRange(l.Tags?.Select(t => $"{t.Key}={t.Value}") ?? []);
        texts.AddRange(a.Baggage.Select(b => $"{b.Key}={b.Value}"));
        return new RecordedSpan(a.Source.Name, a.DisplayName, a.Kind, a.TraceId.ToHexString(), a.SpanId.ToHexString(),
            a.ParentSpanId == default ? null : a.ParentSpanId.ToHexString(), a.StartTimeUtc, a.Duration, tags,
            [.. a.Links.Select(l => l.Context.TraceId.ToHexString())], texts);
    }

    public override string ToString() =>
        $"{Source} {Kind} '{Name}' {Duration.TotalMilliseconds:0.0} ms trace {TraceId[..8]} [{string.Join(", ", Tags.Select(t => $"{t.Key}={t.Value}"))}]";
}
