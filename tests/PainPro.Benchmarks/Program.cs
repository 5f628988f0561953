using System.Diagnostics;
using PainPro.Benchmarks;
using PainPro.Benchmarks.Broker;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;
using PainPro.Benchmarks.Reporting;
using PainPro.Benchmarks.Sections;
using PainPro.Testing;

// dotnet run --project tests/PainPro.Benchmarks -c Release [-- --smoke] [--output DIR] [--only broker,idle,dispatch,replies,profile,scale,hangfire]
//                                                          [--npgsql "Max Auto Prepare=50"]
var arguments = CommandLine.Parse(args);
if (arguments is null)
{
    Console.Error.WriteLine("usage: PainPro.Benchmarks [--smoke] [--output DIR] [--only broker,idle,dispatch,replies,profile,scale,hangfire] [--npgsql SETTINGS]");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var ct = cancel.Token;
var log = Console.Out;
var plan = arguments.Smoke ? BenchmarkPlan.Smoke : BenchmarkPlan.Full;
var clock = Stopwatch.StartNew();

var report = new BenchmarkReport
{
    Size = plan.Name,
    NpgsqlOptions = arguments.NpgsqlOptions,
    StartedAt = DateTimeOffset.UtcNow,
    Machine = await MachineInfo.DescribeAsync(ct),
};
log.WriteLine($"PainPro benchmarks, {plan.Name} size, on {report.Machine.Cores} cores");
if (report.Machine.LoadAverageAtStart > report.Machine.Cores / 2.0)
    log.WriteLine($"  warning: the machine is busy (load average {report.Machine.LoadAverageAtStart:F1}); figures will be lower than on a quiet machine");

async Task Section(string name, Func<Task> run, PainProCluster? cluster = null)
{
    if (!arguments.Runs(name)) return;
    log.WriteLine($"== {name}");
    var started = Stopwatch.StartNew();
    try { await run(); }
    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
    {
        var firstLine = ex.Message.Split('\n', 2)[0];
        report.Failures.Add($"{name}: {Cohort.Redact($"{ex.GetType().Name}: {firstLine[..Math.Min(firstLine.Length, 300)]}")}");
        // The harness's findings and the infrastructure's complaints explain themselves; anything else gets its stack trace.
        var explained = ex is InvalidOperationException or TimeoutException or Npgsql.NpgsqlException or RabbitMQ.Client.Exceptions.RabbitMQClientException;
        log.WriteLine($"  FAILED: {Cohort.Redact(explained ? Messages(ex) : ex.ToString())}");
        // What the services said last is usually the why.
        foreach (var service in cluster?.Services ?? [])
        {
            log.WriteLine($"  --- last output of {service.Service}");
            foreach (var line in service.Output.TakeLast(15)) log.WriteLine("  " + Cohort.Redact(line));
        }
    }
    log.WriteLine($"  ({started.Elapsed.TotalSeconds:F0} s)");
}

await Section("broker", async () =>
{
    await using var vhost = await RabbitMqVirtualHost.CreateAsync();
    report.Broker = await RawBrokerBaseline.RunAsync(vhost.Uri, plan.RawMessages, plan.RawRoundTrips, BenchmarkPlan.Prefetch, ct);
    log.WriteLine($"  RabbitMQ {report.Broker.BrokerVersion}: publish {report.Broker.PublishPerSecond:N0} msg/s, " +
                  $"confirm p50 {report.Broker.ConfirmRoundTrip.P50:F2} ms, consume {report.Broker.ConsumePerSecond:N0} msg/s");
});

if (arguments.Runs("cluster"))
{
    PainProCluster? cluster = null;
    await Section("cluster", async () => cluster = await PainProCluster.StartAsync(arguments.NpgsqlOptions, log));
    if (cluster is not null)
    {
        await using (cluster)
        {
            // One small cohort through the whole flow first, so the figures are of warm services (JIT, pools, queues).
            await Section("warm-up", async () =>
            {
                // Its database counts need not be complete: a short flush wait keeps the warm-up short.
                var flush = TimeSpan.FromSeconds(1);
                var (_, warmCohort) = await DispatchBenchmark.RunAsync(cluster, plan.WarmUpSurveys, runTag: 1, flush, log, ct);
                await ReplyBenchmark.RunAsync(cluster, warmCohort, [BenchmarkPlan.WarmUpReplyRate],
                    TimeSpan.FromSeconds(plan.WarmUpSurveys / (double)BenchmarkPlan.WarmUpReplyRate), flush, log, ct);
            }, cluster);

            // What the database does with nothing due (Hangfire's clocks, the relays): full size only, the smoke stays short.
            if (plan.IdleWindow is { } idle)
                await Section("idle", async () => report.Idle = await IdleBenchmark.RunAsync(cluster, idle, plan.StatsFlush, log, ct), cluster);

            Cohort? cohort = null;
            await Section("dispatch", async () =>
            {
                (report.Dispatch, cohort) = await DispatchBenchmark.RunAsync(cluster, plan.DispatchSurveys, runTag: 2, plan.StatsFlush, log, ct);
                log.WriteLine($"  {report.Dispatch.SurveysPerSecond:N0} surveys/s, due → provider p99 {report.Dispatch.DueToProvider.P99 / 1000:F2} s; " +
                              $"peak RSS so far: {string.Join(", ", cluster.Services.Select(s => $"{s.Service} {s.PeakRssBytes() / 1024 / 1024:N0} MB"))}");
            }, cluster);
            if (cohort is not null)
                await Section("replies", async () =>
                    report.Replies.AddRange(await ReplyBenchmark.RunAsync(cluster, cohort, plan.ReplyRates, plan.ReplyStep, plan.StatsFlush, log, ct)), cluster);

            foreach (var service in cluster.Services)
            {
                var load = service == cluster.Portal ? "idle" : "through dispatch and replies";
                report.Memory.Add(new MemoryResult(service.Service, service.PeakRssBytes(), load));
            }
            log.WriteLine("== memory");
            foreach (var mem in report.Memory) log.WriteLine($"  {mem.Service}: peak RSS {mem.PeakRssBytes / 1024 / 1024:N0} MB ({mem.Load})");
        }
    }
}

// Two more clusters: in the full run, or when named (--smoke --only telemetry, about a minute); not in the smoke run's budget.
if (!arguments.Smoke || arguments.Only is not null)
    await Section("telemetry", async () => report.Telemetry = await TelemetryOverheadBenchmark.RunAsync(plan, arguments.NpgsqlOptions, log, ct));

await Section("profile", async () =>
    report.Profiles.AddRange(await ProfileBenchmark.RunAsync(plan.ProfileItems, log, ct)));

await Section("scale", async () =>
    report.Scale.AddRange(await ScaleBenchmark.RunAsync(plan.ScaleSizes, plan.ScaleDue, arguments.NpgsqlOptions, log, ct)));

await Section("hangfire", async () =>
    report.Jobs.AddRange(await JobThroughputBenchmark.RunAsync(plan.PostgresJobs, plan.InMemoryJobs, log, ct)));

report.Duration = clock.Elapsed;
var markdown = MarkdownReport.Render(report);
Directory.CreateDirectory(arguments.Output);
var stem = Path.Combine(arguments.Output, $"benchmarks-{plan.Name}");
await File.WriteAllTextAsync(stem + ".md", markdown, ct);
await File.WriteAllTextAsync(stem + ".json", report.ToJson(), ct);

log.WriteLine();
log.WriteLine(markdown);
log.WriteLine($"Written {stem}.md and {stem}.json");
if (report.Failures.Count > 0)
{
    log.WriteLine($"{report.Failures.Count} section(s) failed: {string.Join("; ", report.Failures)}");
    return 1;
}
return 0;

static string Messages(Exception ex)
{
    var messages = new List<string>();
    for (Exception? e = ex; e is not null; e = e.InnerException) messages.Add($"{e.GetType().Name}: {e.Message}");
    return string.Join(" ← ", messages);
}

/// <summary>The few options the harness takes.</summary>
/// <param name="NpgsqlOptions">Connection-string settings laid over the services' (tuning experiments).</param>
internal sealed record CommandLine(bool Smoke, string Output, IReadOnlySet<string>? Only, string? NpgsqlOptions)
{
    public bool Runs(string section) => Only is null || Only.Contains(section);

    public static CommandLine? Parse(string[] args)
    {
        var smoke = false;
        var output = Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts", "benchmarks");
        HashSet<string>? only = null;
        string? npgsql = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke": smoke = true; break;
                case "--output" when i + 1 < args.Length: output = Path.GetFullPath(args[++i]); break;
                case "--npgsql" when i + 1 < args.Length: npgsql = args[++i]; break;
                case "--only" when i + 1 < args.Length:
                    only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
                    // Replies answer the surveys the dispatch section opens, on the cluster both need.
                    if (only.Contains("replies")) only.Add("dispatch");
                    if (only.Contains("dispatch") || only.Contains("idle")) only.UnionWith(["cluster", "warm-up"]);
                    break;
                default: return null;
            }
        }
        return new CommandLine(smoke, output, only, npgsql);
    }
}
