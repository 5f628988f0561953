using System.Globalization;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;

namespace PainPro.Benchmarks.Sections;

/// <param name="SamplingRatio">Null: no exporter (nothing recorded, the services' default); else the share of traces kept.</param>
/// <param name="SurveysPerSecond">Dispatch: due surveys per second to the provider (as the dispatch section measures it).</param>
/// <param name="RepliesPerSecond">
/// Replies answered per second with more offered than the services take: replies ÷ (the offered span + the slowest
/// answer), so queueing counts against it.
/// </param>
/// <param name="OtlpTraceRequests">Trace exports the receiver took during the round, proving the exporters ran.</param>
public sealed record TelemetryRun(
    double? SamplingRatio, int Surveys, double SurveysPerSecond, int Replies, int OfferedRate, double RepliesPerSecond, LatencySummary ReplyHttp,
    int Errors, long OtlpTraceRequests, long OtlpMetricRequests, long OtlpBytes)
{
    public string Mode => SamplingRatio is { } ratio ? string.Create(CultureInfo.InvariantCulture, $"on@{ratio:0.##}") : "off";
}

/// <param name="Rounds">In the order run: blocks of off, on, on, off (with several ratios: off, on@a, on@b, on@b, on@a, off).</param>
/// <param name="Blocks">How many there-and-back blocks <paramref name="Rounds"/> holds.</param>
public sealed record TelemetryOverheadResult(IReadOnlyList<TelemetryRun> Rounds, int Blocks)
{
    public IReadOnlyList<double> SamplingRatios => [.. Rounds.Select(r => r.SamplingRatio).OfType<double>().Distinct()];
    public IReadOnlyList<TelemetryRun> Of(double? ratio) => [.. Rounds.Where(r => r.SamplingRatio == ratio)];
    public double SurveysPerSecond(double? ratio) => Median(Of(ratio).Select(r => r.SurveysPerSecond));
    public double RepliesPerSecond(double? ratio) => Median(Of(ratio).Select(r => r.RepliesPerSecond));
    /// <summary>On ÷ off of the modes' medians: one slow round (a neighbour's burst) moves a median less than a mean.</summary>
    public double DispatchRatio(double ratio) => SurveysPerSecond(ratio) / SurveysPerSecond(null);
    public double ReplyRatio(double ratio) => RepliesPerSecond(ratio) / RepliesPerSecond(null);

    /// <summary>On ÷ off within each block (its rounds ran minutes apart): the spread of these is the method's noise.</summary>
    public IReadOnlyList<double> BlockRatios(double ratio, Func<TelemetryRun, double> figure)
    {
        var perBlock = Rounds.Count / Math.Max(Blocks, 1);
        return [.. Rounds.Chunk(perBlock).Select(block =>
            block.Where(r => r.SamplingRatio == ratio).Average(figure) / block.Where(r => r.SamplingRatio is null).Average(figure))];
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>
/// What telemetry costs: the same dispatch and reply load on fresh clusters in one run, one with no exporter (the
/// services' default: nothing recorded) and one whose every service exports traces and metrics over OTLP to a loopback
/// receiver that reads and discards them (as a collector would) with the shipped settings (sampling 1, no database
/// spans, the default batch and metric intervals). Rounds alternate there and back in blocks (off, on, on, off), each
/// block on a fresh pair of clusters, so a drift in the machine's load falls on both; reported as on ÷ off of the medians, with every round and each block's
/// ratio beside it. Run it alone on the machine (an exclusive lock): a neighbour's build moves a round by more than
/// the exporters do. The export counts the receiver saw prove the exporters ran.
/// </summary>
public static class TelemetryOverheadBenchmark
{
    private static readonly double[] Ratios = [1.0];

    /// <param name="Surveys">The cohort made due at once; its patients then reply.</param>
    /// <param name="ReplyRate">Offered above what the cluster takes, so the reply figure is a capacity.</param>
    /// <param name="StatsFlush">Smoke size: no database counts are reported here, so no long wait for them.</param>
    /// <param name="Blocks">There-and-back blocks (off, on, on, off): each mode gets two rounds per block.</param>
    private sealed record Size(int WarmUp, int Surveys, int ReplyRate, TimeSpan ReplyStep, TimeSpan StatsFlush, int Blocks);

    private static Size SizeOf(BenchmarkPlan plan) => plan.Name == BenchmarkPlan.Smoke.Name
        ? new Size(WarmUp: 0, Surveys: 30, ReplyRate: 100, ReplyStep: TimeSpan.FromSeconds(0.3), StatsFlush: TimeSpan.FromSeconds(0.2), Blocks: 1)
        : new Size(WarmUp: plan.WarmUpSurveys, Surveys: 5_000, ReplyRate: 2_000, ReplyStep: TimeSpan.FromSeconds(2), plan.StatsFlush, Blocks: 3);

    public static async Task<TelemetryOverheadResult> RunAsync(BenchmarkPlan plan, string? npgsqlOptions, TextWriter log, CancellationToken ct)
    {
        var size = SizeOf(plan);
        var sinks = new List<OtlpSink>();
        try
        {
            foreach (var _ in Ratios) sinks.Add(await OtlpSink.StartAsync());
            // Block after block: on a machine whose load drifts, each mode sees the same drift on average, and the blocks
            // show how far the same comparison moves from one block to the next.
            var rounds = new List<TelemetryRun>();
            for (var block = 0; block < size.Blocks; block++) rounds.AddRange(await RunBlockAsync(size, sinks, npgsqlOptions, log, ct));
            // Spans leave in batches every 5 s: a sampled share of a small round may still be on its way.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (sinks.Any(s => s.TraceRequests == 0) && DateTime.UtcNow < deadline) await Task.Delay(200, ct);
            if (sinks.Any(s => s.TraceRequests == 0))
                throw new InvalidOperationException("A cluster with an exporter sent no traces to its loopback receiver: the exporters are not on.");
            var result = new TelemetryOverheadResult(rounds, size.Blocks);
            var invariant = CultureInfo.InvariantCulture;
            foreach (var ratio in Ratios)
                log.WriteLine(string.Create(invariant,
                    $"  exporters on (sampling {ratio:0.##}) ÷ off, medians: dispatch {result.DispatchRatio(ratio):P1}, replies {result.ReplyRatio(ratio):P1}; ") +
                    string.Create(invariant, $"per block: dispatch {Percentages(result.BlockRatios(ratio, r => r.SurveysPerSecond))}, replies {Percentages(result.BlockRatios(ratio, r => r.RepliesPerSecond))}"));
            return result;
        }
        finally
        {
            foreach (var sink in sinks) await sink.DisposeAsync();
        }
    }

    /// <summary>
    /// Fresh clusters, side by side throughout (idle while another is measured: the same background load for each),
    /// each warmed up and then measured twice, there and back (off, on, on, off). Fresh for each block because each
    /// round moves Scheduling's simulated clock an hour ahead of Messaging's real one: a fourth move would put the
    /// cohort's send-window zone, chosen on the simulated clock, before 09:00 on the real one.
    /// </summary>
    private static async Task<List<TelemetryRun>> RunBlockAsync(Size size, List<OtlpSink> sinks, string? npgsqlOptions, TextWriter log, CancellationToken ct)
    {
        var clusters = new List<(PainProCluster Cluster, OtlpSink? Sink, double? Ratio)>();
        try
        {
            var starting = new List<Task<PainProCluster>> { PainProCluster.StartAsync(npgsqlOptions, TextWriter.Null) };
            starting.AddRange(Ratios.Select((ratio, i) => PainProCluster.StartAsync(npgsqlOptions, TextWriter.Null, sinks[i].ServiceSettings(ratio))));
            try { await Task.WhenAll(starting); }
            finally
            {
                for (var i = 0; i < starting.Count; i++)
                    if (starting[i].IsCompletedSuccessfully) clusters.Add((starting[i].Result, i == 0 ? null : sinks[i - 1], i == 0 ? null : Ratios[i - 1]));
            }
            foreach (var (cluster, _, _) in clusters) await WarmUpAsync(size, cluster, ct);

            var rounds = new List<TelemetryRun>();
            var order = clusters.Concat(Enumerable.Reverse(clusters)).ToList();
            for (var i = 0; i < order.Count; i++)
                rounds.Add(await RunOnceAsync(size, order[i].Cluster, order[i].Sink, order[i].Ratio, runTag: i < clusters.Count ? 2 : 3, log, ct));
            return rounds;
        }
        finally
        {
            foreach (var (cluster, _, _) in clusters) await cluster.DisposeAsync();
        }
    }

    private static string Percentages(IEnumerable<double> ratios) =>
        string.Join(", ", ratios.Select(r => r.ToString("P1", CultureInfo.InvariantCulture)));

    private static async Task WarmUpAsync(Size size, PainProCluster cluster, CancellationToken ct)
    {
        if (size.WarmUp == 0) return;
        var (_, warm) = await DispatchBenchmark.RunAsync(cluster, size.WarmUp, runTag: 1, TimeSpan.FromSeconds(1), TextWriter.Null, ct);
        await ReplyBenchmark.RunAsync(cluster, warm, [BenchmarkPlan.WarmUpReplyRate],
            TimeSpan.FromSeconds(size.WarmUp / (double)BenchmarkPlan.WarmUpReplyRate), TimeSpan.FromSeconds(1), TextWriter.Null, ct);
    }

    private static async Task<TelemetryRun> RunOnceAsync(Size size, PainProCluster cluster, OtlpSink? sink, double? ratio, int runTag,
        TextWriter log, CancellationToken ct)
    {
        var (traces, metrics, bytes) = (sink?.TraceRequests ?? 0, sink?.MetricRequests ?? 0, sink?.Bytes ?? 0);
        var (dispatch, cohort) = await DispatchBenchmark.RunAsync(cluster, size.Surveys, runTag, size.StatsFlush, TextWriter.Null, ct);
        var step = (await ReplyBenchmark.RunAsync(cluster, cohort, [size.ReplyRate], size.ReplyStep, size.StatsFlush, TextWriter.Null, ct)).Single();
        var repliesPerSecond = step.Replies / (step.Replies / (double)step.OfferedRate + step.Http.Max / 1000);
        var run = new TelemetryRun(ratio, dispatch.Surveys, dispatch.SurveysPerSecond, step.Replies, step.OfferedRate, repliesPerSecond,
            step.Http, step.Errors, (sink?.TraceRequests ?? 0) - traces, (sink?.MetricRequests ?? 0) - metrics, (sink?.Bytes ?? 0) - bytes);
        log.WriteLine(FormattableString.Invariant(
            $"  exporters {run.Mode}: dispatch {run.SurveysPerSecond:N0} surveys/s; replies {run.RepliesPerSecond:N0}/s answered of {run.OfferedRate:N0}/s offered ") +
            FormattableString.Invariant($"(HTTP p50 {run.ReplyHttp.P50:F0} ms, p99 {run.ReplyHttp.P99:F0} ms, {run.Errors} errors)") +
            (sink is null ? "" : FormattableString.Invariant($"; OTLP: {run.OtlpTraceRequests:N0} trace and {run.OtlpMetricRequests:N0} metric exports, {run.OtlpBytes / 1024.0 / 1024.0:F1} MB")));
        return run;
    }

    /// <summary>The report's rows for this section.</summary>
    public static IEnumerable<(string Measure, string Result)> Rows(TelemetryOverheadResult? result)
    {
        if (result is not { Rounds: [var first, ..] rounds }) yield break;
        var i = CultureInfo.InvariantCulture;
        string Each(Func<TelemetryRun, double> figure) => string.Join(", ", rounds.Select(r => string.Create(i, $"{r.Mode} {figure(r):N0}")));
        string Spread(double? ratio, Func<TelemetryRun, double> figure) =>
            string.Create(i, $"{result.Of(ratio).Min(figure):N0}–{result.Of(ratio).Max(figure):N0}");
        foreach (var ratio in result.SamplingRatios)
        {
            yield return (string.Create(i, $"dispatch, {first.Surveys:N0} surveys due at once: exporters off / on, sampling {ratio:0.##} (medians of {result.Of(null).Count} rounds each; range)"),
                string.Create(i, $"{result.SurveysPerSecond(null):N0} ({Spread(null, r => r.SurveysPerSecond)}) / {result.SurveysPerSecond(ratio):N0} ({Spread(ratio, r => r.SurveysPerSecond)}) surveys/s = **{result.DispatchRatio(ratio):P1}**; per block {Percentages(result.BlockRatios(ratio, r => r.SurveysPerSecond))}"));
            yield return (string.Create(i, $"replies, {first.Replies:N0} offered at {first.OfferedRate:N0}/s (above capacity): answered per second off / on, sampling {ratio:0.##} (medians; range)"),
                string.Create(i, $"{result.RepliesPerSecond(null):N0} ({Spread(null, r => r.RepliesPerSecond)}) / {result.RepliesPerSecond(ratio):N0} ({Spread(ratio, r => r.RepliesPerSecond)}) replies/s = **{result.ReplyRatio(ratio):P1}**; per block {Percentages(result.BlockRatios(ratio, r => r.RepliesPerSecond))}"));
            var on = result.Of(ratio);
            yield return (string.Create(i, $"exported to the loopback OTLP receiver, sampling {ratio:0.##}, no database spans (default batch and metric intervals)"),
                string.Create(i, $"{on.Sum(r => r.OtlpTraceRequests):N0} trace and {on.Sum(r => r.OtlpMetricRequests):N0} metric exports, {on.Sum(r => r.OtlpBytes) / 1024.0 / 1024.0:F1} MB for {on.Sum(r => r.Surveys):N0} surveys and {on.Sum(r => r.Replies):N0} replies"));
        }
        yield return ("every round, in order: dispatch surveys/s; replies answered/s; reply HTTP p99 ms",
            $"{Each(r => r.SurveysPerSecond)}; {Each(r => r.RepliesPerSecond)}; {Each(r => r.ReplyHttp.P99)}");
    }
}
