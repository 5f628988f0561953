using System.Globalization;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;

namespace PainPro.Benchmarks.Sections;

/// <param name="Exporting">Whether the services exported traces and metrics over OTLP.</param>
/// <param name="SurveysPerSecond">Dispatch: due surveys per second to the provider (as the dispatch section measures it).</param>
/// <param name="RepliesPerSecond">
/// Replies answered per second with more offered than the services take: replies ÷ (the offered span + the slowest
/// answer), so queueing counts against it.
/// </param>
/// <param name="OtlpRequests">Exports the receiver took (traces and metrics), proving the exporters ran.</param>
public sealed record TelemetryRun(
    bool Exporting, int Surveys, double SurveysPerSecond, int Replies, int OfferedRate, double RepliesPerSecond, LatencySummary ReplyHttp,
    int Errors, long OtlpRequests, long OtlpTraceRequests, long OtlpMetricRequests, long OtlpBytes);

/// <param name="Rounds">In the order run: off, on, on, off.</param>
public sealed record TelemetryOverheadResult(IReadOnlyList<TelemetryRun> Rounds)
{
    public double OffSurveysPerSecond => Rounds.Where(r => !r.Exporting).Average(r => r.SurveysPerSecond);
    public double OnSurveysPerSecond => Rounds.Where(r => r.Exporting).Average(r => r.SurveysPerSecond);
    public double OffRepliesPerSecond => Rounds.Where(r => !r.Exporting).Average(r => r.RepliesPerSecond);
    public double OnRepliesPerSecond => Rounds.Where(r => r.Exporting).Average(r => r.RepliesPerSecond);
    public double DispatchRatio => OnSurveysPerSecond / OffSurveysPerSecond;
    public double ReplyRatio => OnRepliesPerSecond / OffRepliesPerSecond;
}

/// <summary>
/// What telemetry costs: the same dispatch and reply load on two fresh clusters in one run, first the one with no
/// exporter (the services' default: nothing recorded), then the one whose every service exports traces and metrics over
/// OTLP to a loopback receiver that reads and discards them, at the default sampling (every trace kept). Reported as
/// on ÷ off. The export counts the receiver saw prove the exporters ran.
/// </summary>
public static class TelemetryOverheadBenchmark
{
    /// <param name="Surveys">The cohort made due at once; its patients then reply.</param>
    /// <param name="ReplyRate">Offered above what the cluster takes, so the reply figure is a capacity.</param>
    /// <param name="StatsFlush">Smoke size: no database counts are reported here, so no long wait for them.</param>
    private sealed record Size(int WarmUp, int Surveys, int ReplyRate, TimeSpan ReplyStep, TimeSpan StatsFlush);

    private static Size SizeOf(BenchmarkPlan plan) => plan.Name == BenchmarkPlan.Smoke.Name
        ? new Size(WarmUp: 0, Surveys: 30, ReplyRate: 100, ReplyStep: TimeSpan.FromSeconds(0.3), StatsFlush: TimeSpan.FromSeconds(0.2))
        : new Size(WarmUp: plan.WarmUpSurveys, Surveys: 6_000, ReplyRate: 2_000, ReplyStep: TimeSpan.FromSeconds(2.5), plan.StatsFlush);

    public static async Task<TelemetryOverheadResult> RunAsync(BenchmarkPlan plan, string? npgsqlOptions, TextWriter log, CancellationToken ct)
    {
        var size = SizeOf(plan);
        // Both clusters run throughout, each idle while the other is measured: the same background load for both.
        await using var sink = await OtlpSink.StartAsync();
        var starting = new[] { PainProCluster.StartAsync(npgsqlOptions, TextWriter.Null), PainProCluster.StartAsync(npgsqlOptions, TextWriter.Null, sink.ServiceSettings()) };
        try { await Task.WhenAll(starting); }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully)) await started.Result.DisposeAsync();
            throw;
        }
        await using var offCluster = starting[0].Result;
        await using var onCluster = starting[1].Result;
        await WarmUpAsync(size, offCluster, ct);
        await WarmUpAsync(size, onCluster, ct);
        // Off, on, on, off: on a machine whose load drifts, each mode sees the same drift on average.
        var rounds = new List<TelemetryRun>();
        foreach (var (cluster, exporter, tag) in new[] { (offCluster, (OtlpSink?)null, 2), (onCluster, sink, 2), (onCluster, sink, 3), (offCluster, null, 3) })
            rounds.Add(await RunOnceAsync(size, cluster, exporter, tag, log, ct));
        var result = new TelemetryOverheadResult(rounds);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  exporters on ÷ off: dispatch {result.DispatchRatio:P1}, replies {result.ReplyRatio:P1}"));
        return result;
    }

    private static async Task WarmUpAsync(Size size, PainProCluster cluster, CancellationToken ct)
    {
        if (size.WarmUp == 0) return;
        var (_, warm) = await DispatchBenchmark.RunAsync(cluster, size.WarmUp, runTag: 1, TimeSpan.FromSeconds(1), TextWriter.Null, ct);
        await ReplyBenchmark.RunAsync(cluster, warm, [BenchmarkPlan.WarmUpReplyRate],
            TimeSpan.FromSeconds(size.WarmUp / (double)BenchmarkPlan.WarmUpReplyRate), TimeSpan.FromSeconds(1), TextWriter.Null, ct);
    }

    private static async Task<TelemetryRun> RunOnceAsync(Size size, PainProCluster cluster, OtlpSink? sink, int runTag, TextWriter log, CancellationToken ct)
    {
        var exporting = sink is not null;
        var mode = exporting ? "exporters on" : "exporters off";
        var (requests, traces, metrics, bytes) = (sink?.Requests ?? 0, sink?.TraceRequests ?? 0, sink?.MetricRequests ?? 0, sink?.Bytes ?? 0);
        var (dispatch, cohort) = await DispatchBenchmark.RunAsync(cluster, size.Surveys, runTag, size.StatsFlush, TextWriter.Null, ct);
        var step = (await ReplyBenchmark.RunAsync(cluster, cohort, [size.ReplyRate], size.ReplyStep, size.StatsFlush, TextWriter.Null, ct)).Single();
        var repliesPerSecond = step.Replies / (step.Replies / (double)step.OfferedRate + step.Http.Max / 1000);
        if (exporting && sink!.TraceRequests == traces)
            throw new InvalidOperationException("The services exported no traces to the loopback receiver: the exporters are not on.");
        var run = new TelemetryRun(exporting, dispatch.Surveys, dispatch.SurveysPerSecond, step.Replies, step.OfferedRate, repliesPerSecond,
            step.Http, step.Errors, (sink?.Requests ?? 0) - requests, (sink?.TraceRequests ?? 0) - traces, (sink?.MetricRequests ?? 0) - metrics,
            (sink?.Bytes ?? 0) - bytes);
        log.WriteLine(FormattableString.Invariant(
            $"  {mode}: dispatch {run.SurveysPerSecond:N0} surveys/s; replies {run.RepliesPerSecond:N0}/s answered of {run.OfferedRate:N0}/s offered ") +
            FormattableString.Invariant($"(HTTP p50 {run.ReplyHttp.P50:F0} ms, p99 {run.ReplyHttp.P99:F0} ms, {run.Errors} errors)") +
            (exporting ? FormattableString.Invariant($"; OTLP: {run.OtlpTraceRequests:N0} trace and {run.OtlpMetricRequests:N0} metric exports, {run.OtlpBytes / 1024.0 / 1024.0:F1} MB") : ""));
        return run;
    }

    /// <summary>The report's rows for this section.</summary>
    public static IEnumerable<(string Measure, string Result)> Rows(TelemetryOverheadResult? result)
    {
        if (result is not { Rounds: [var first, ..] rounds }) yield break;
        var i = CultureInfo.InvariantCulture;
        string Each(Func<TelemetryRun, double> figure) => string.Join(", ", rounds.Select(r => string.Create(i, $"{(r.Exporting ? "on" : "off")} {figure(r):N0}")));
        yield return (string.Create(i, $"dispatch, {first.Surveys:N0} surveys due at once, rounds off/on/on/off: exporters off / on (mean)"),
            string.Create(i, $"{result.OffSurveysPerSecond:N0} / {result.OnSurveysPerSecond:N0} surveys/s = **{result.DispatchRatio:P1}** ({Each(r => r.SurveysPerSecond)})"));
        yield return (string.Create(i, $"replies, {first.Replies:N0} offered at {first.OfferedRate:N0}/s (above capacity): answered per second off / on (mean)"),
            string.Create(i, $"{result.OffRepliesPerSecond:N0} / {result.OnRepliesPerSecond:N0} replies/s = **{result.ReplyRatio:P1}** ({Each(r => r.RepliesPerSecond)}; HTTP p99 {Each(r => r.ReplyHttp.P99)} ms)"));
        var on = rounds.Where(r => r.Exporting).ToList();
        yield return ("exported to the loopback OTLP receiver in the rounds with exporters on (sampling 1, default batch and metric intervals)",
            string.Create(i, $"{on.Sum(r => r.OtlpTraceRequests):N0} trace and {on.Sum(r => r.OtlpMetricRequests):N0} metric exports, {on.Sum(r => r.OtlpBytes) / 1024.0 / 1024.0:F1} MB"));
    }
}
