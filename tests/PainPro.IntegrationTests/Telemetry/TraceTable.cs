using System.Diagnostics;
using System.Globalization;
using System.Text;
using PainPro.ServiceDefaults.Telemetry;
using PainPro.Testing;

namespace PainPro.IntegrationTests.Telemetry;

/// <summary>
/// The traces a test recorded as a Markdown table (trace, service, span, duration), written to
/// <c>tests/.artifacts/survey-trace.md</c>: README's "one survey, as TracingTests recorded it" is copied from it.
/// </summary>
internal static class TraceTable
{
    public static string ArtifactPath => Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts", "survey-trace.md");

    /// <param name="services">Each host's port and its service's name, for the server spans.</param>
    public static string Render(IReadOnlyList<RecordedSpan> all, IReadOnlyDictionary<int, string> services)
    {
        var text = new StringBuilder();
        var traces = all.GroupBy(s => s.TraceId)
            .Where(t => t.Any(s => s.Source.StartsWith("PainPro", StringComparison.Ordinal)))
            .OrderBy(t => t.Min(s => s.Start))
            .ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"Recorded {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by TracingTests: {traces.Count} traces; Npgsql command spans (when recorded) counted, not listed.");
        text.AppendLine();
        text.AppendLine("| trace | service | span | kind | duration |");
        text.AppendLine("|---|---|---|---|---|");
        var number = 0;
        foreach (var trace in traces)
        {
            number++;
            var spans = trace.OrderBy(s => s.Start).ToList();
            var serviceOf = Services(spans, services);
            var database = spans.Count(s => s.Source == "Npgsql");
            var linked = spans.SelectMany(s => s.LinkedTraceIds).Distinct().Select(id => traces.FindIndex(t => t.Key == id) + 1).Where(i => i > 0).ToList();
            var label = $"{number}" + (linked.Count > 0 ? $" (linked to {string.Join(", ", linked)})" : "") + (database > 0 ? $", {database} SQL spans" : "");
            foreach (var span in spans.Where(s => s.Source != "Npgsql"))
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {label} | {serviceOf.GetValueOrDefault(span.SpanId, "?")} | `{span.Name}`{Detail(span)} | {span.Kind.ToString().ToLowerInvariant()} | {span.Duration.TotalMilliseconds:0.0} ms |");
                label = "";
            }
        }
        return text.ToString();
    }

    public static async Task WriteAsync(IReadOnlyList<RecordedSpan> all, IReadOnlyDictionary<int, string> services)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ArtifactPath)!);
        await File.WriteAllTextAsync(ArtifactPath, Render(all, services));
    }

    private static string Detail(RecordedSpan span)
    {
        string[] keys = ["painpro.count", "painpro.timepoint", "painpro.channel", "painpro.outcome", "painpro.reason", "painpro.alert.rules", "painpro.alert.severity"];
        var details = keys.Where(span.Tags.ContainsKey).Select(k => $"{k[(k.LastIndexOf('.') + 1)..]} {span.Tags[k]}").ToList();
        return details.Count == 0 ? "" : $" ({string.Join(", ", details)})";
    }

    /// <summary>
    /// Which service each span ran in: our own sources name it; a server span by its port; a consumer by its queue's
    /// prefix; anything else inherits its parent's.
    /// </summary>
    private static Dictionary<string, string> Services(List<RecordedSpan> spans, IReadOnlyDictionary<int, string> services)
    {
        var found = new Dictionary<string, string>();
        foreach (var span in spans)
        {
            var own = span.Source switch
            {
                "PainPro.Scheduling" => "Scheduling",
                "PainPro.Messaging" => "Messaging",
                "PainPro.Ingestion" => "Ingestion",
                _ => null,
            };
            if (own is null && span.Kind == ActivityKind.Server && span.Tags.TryGetValue("server.port", out var port)
                && int.TryParse(port, CultureInfo.InvariantCulture, out var p))
                own = services.GetValueOrDefault(p);
            if (own is null && span.Source == PainProActivity.MassTransitSource && span.Kind == ActivityKind.Consumer)
                own = span.Tags.Values.Select(QueueService).FirstOrDefault(s => s is not null);
            // The test's own requests start the intake and the replies.
            if (own is null && span.ParentSpanId is null && span.Kind == ActivityKind.Client) own = "(test client)";
            if (own is not null) found[span.SpanId] = own;
        }
        // Parents before children (by start): a child inherits what its parent ran in.
        for (var pass = 0; pass < 4; pass++)
            foreach (var span in spans.Where(s => !found.ContainsKey(s.SpanId) && s.ParentSpanId is not null))
                if (found.TryGetValue(span.ParentSpanId!, out var parent)) found[span.SpanId] = parent;
        return found;
    }

    private static string? QueueService(string value)
    {
        foreach (var service in new[] { "scheduling", "messaging", "ingestion" })
            if (value.StartsWith(service + "-", StringComparison.Ordinal) || value.Contains("/" + service + "-", StringComparison.Ordinal))
                return char.ToUpperInvariant(service[0]) + service[1..];
        return null;
    }
}
