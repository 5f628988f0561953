using System.Collections.Concurrent;
using System.Diagnostics;
using PainPro.Benchmarks.Broker;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;
using PainPro.Testing;

namespace PainPro.Benchmarks.Sections;

/// <param name="OfferedRate">Replies per second offered (an open loop: sent on schedule, answered or not).</param>
/// <param name="AchievedRate">Replies per second actually started by the generator.</param>
/// <param name="Http">Webhook latency from each reply's scheduled send to Ingestion's TwiML answer.</param>
/// <param name="Errors">Replies that got no 2xx answer (timeouts included).</param>
/// <param name="ReplyToAlert">From the reply's scheduled send to its <c>PainAlertRaised</c> reaching a consumer.</param>
/// <param name="AlertsMissing">Answered replies whose alert had not arrived 60 s after the step.</param>
/// <param name="Cpu">Where the CPU went while the replies were offered and answered.</param>
/// <param name="Database">Transactions and row writes per reply, every service together, until its alert was out.</param>
/// <param name="CpuUntilAlerts">The CPU used from the first reply until the last alert was out: what the step cost.</param>
public sealed record ReplyStepResult(
    int OfferedRate, int Replies, double AchievedRate, LatencySummary Http, int Errors, string? ErrorSample,
    LatencySummary ReplyToAlert, int AlertsMissing, CpuUse Cpu, DatabaseWork Database, CpuUse CpuUntilAlerts)
{
    /// <summary>CPU milliseconds of the services, PostgreSQL and RabbitMQ per reply, its alert included.</summary>
    public double CpuMillisecondsPerReply => CpuUntilAlerts.SystemMillisecondsPer(Replies);
}

/// <summary>
/// Section 2: patients answer their day-3 SMS. Each reply is a signed Twilio webhook from a phone with its own open
/// survey, offered at fixed rates. A pain score of 9 against a baseline of 6 raises a high alert on every reply.
/// </summary>
public static class ReplyBenchmark
{
    public const string PainReply = "9";

    /// <param name="statsFlush">How long PostgreSQL's activity counters take to be complete (see <see cref="DatabaseActivity"/>).</param>
    public static async Task<IReadOnlyList<ReplyStepResult>> RunAsync(PainProCluster cluster, Cohort cohort, IReadOnlyList<int> rates,
        TimeSpan stepDuration, TimeSpan statsFlush, TextWriter log, CancellationToken ct)
    {
        var activity = await DatabaseActivity.StartAsync(cluster.Database.ConnectionString, statsFlush, ct);
        await using var alerts = await AlertListener.StartAsync(cluster.Broker.Uri, ct);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2_000,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        var results = new List<ReplyStepResult>();
        var unanswered = new Queue<CohortPatient>(cohort.Patients);
        foreach (var rate in rates)
        {
            var count = Math.Min(unanswered.Count, (int)(rate * stepDuration.TotalSeconds));
            if (count == 0)
            {
                log.WriteLine($"  {rate}/s: skipped, every survey of the cohort is already answered");
                continue;
            }
            var patients = Enumerable.Range(0, count).Select(_ => unanswered.Dequeue()).ToArray();
            var step = await RunStepAsync(cluster, http, alerts, activity, patients, rate, stepDuration, ct);
            results.Add(step);
            log.WriteLine($"  {rate,5}/s: {step.Replies:N0} replies at {step.AchievedRate:F0}/s, HTTP p50 {step.Http.P50:F1} ms p99 {step.Http.P99:F1} ms, " +
                          $"{step.Errors} errors; reply → alert p50 {step.ReplyToAlert.P50:F0} ms p99 {step.ReplyToAlert.P99:F0} ms, {step.AlertsMissing} missing");
            log.WriteLine($"         CPU: {step.Cpu.Describe()}; {step.CpuMillisecondsPerReply:F2} CPU ms per reply; database work per reply: {step.Database.TransactionsPerItem:F1} transactions, {step.Database.RowsWrittenPerItem:F1} row writes; " +
                          $"Ingestion peak RSS so far {cluster.Ingestion.PeakRssBytes() / 1024 / 1024:N0} MB");
        }
        return results;
    }

    private static async Task<ReplyStepResult> RunStepAsync(PainProCluster cluster, HttpClient http, AlertListener alerts,
        DatabaseActivity activity, CohortPatient[] patients, int rate, TimeSpan stepDuration, CancellationToken ct)
    {
        var httpLatency = new LatencyRecorder(patients.Length);
        var sentAt = new ConcurrentDictionary<Guid, DateTimeOffset>();
        var errors = 0;
        var refused = 0;
        string? errorSample = null;
        var cpu = cluster.StartCpuAccounting();
        var cpuUntilAlerts = cluster.StartCpuAccounting();
        // Wall-clock twin of the Stopwatch origin, to compare with the alert listener's arrival times.
        var wallOrigin = DateTimeOffset.UtcNow;
        var tickOrigin = Stopwatch.GetTimestamp();

        var run = await OpenLoopLoad.RunAsync(rate, patients.Length, stepDuration + TimeSpan.FromSeconds(2), async (i, scheduled) =>
        {
            var patient = patients[i];
            var form = TwilioWebhook.InboundSms(patient.Phone, PainReply);
            var scheduledWall = wallOrigin + Stopwatch.GetElapsedTime(tickOrigin, scheduled);
            try
            {
                using var response = await TwilioWebhook.PostSmsAsync(http, cluster.Ingestion.BaseUrl, cluster.TwilioAuthToken, form);
                httpLatency.Record(Stopwatch.GetElapsedTime(scheduled));
                if (response.IsSuccessStatusCode) sentAt[patient.EnrollmentId] = scheduledWall;
                else
                {
                    Interlocked.Increment(ref errors);
                    if ((int)response.StatusCode is >= 400 and < 500) Interlocked.Increment(ref refused);
                    errorSample ??= $"HTTP {(int)response.StatusCode} {response.StatusCode}";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                httpLatency.Record(Stopwatch.GetElapsedTime(scheduled));
                Interlocked.Increment(ref errors);
                errorSample ??= ex is TaskCanceledException ? "timed out" : Cohort.Redact(ex.Message);
            }
        }, ct);
        var cpuUse = cpu.Stop();

        // Every answered reply must raise its alert; wait for the stragglers before the next step adds load.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (sentAt.Keys.Any(id => !alerts.ReceivedAt.ContainsKey(id)) && DateTime.UtcNow < deadline)
            await Task.Delay(100, ct);
        var drained = cpuUntilAlerts.Stop();

        var alertLatencies = sentAt
            .Where(pair => alerts.ReceivedAt.ContainsKey(pair.Key))
            .Select(pair => (alerts.ReceivedAt[pair.Key] - pair.Value).TotalMilliseconds);
        var missing = sentAt.Keys.Count(id => !alerts.ReceivedAt.ContainsKey(id));
        var work = await activity.LapAsync(Math.Max(1, run.Started), ct);

        // Slow is a finding; refused or silent is a break. A 4xx means the webhook contract no longer holds (a
        // signature or form Ingestion rejects), and answered replies with no alert at all mean the alert path is down.
        if (refused > 0)
            throw new InvalidOperationException($"Ingestion refused {refused} of {patients.Length} signed replies at {rate}/s ({errorSample}).");
        if (sentAt.Count > 0 && missing == sentAt.Count)
            throw new InvalidOperationException($"None of the {sentAt.Count} answered replies at {rate}/s raised a PainAlertRaised within 60 s.");
        return new ReplyStepResult(rate, run.Started, run.AchievedRate, httpLatency.Summarize(), errors + (patients.Length - run.Started),
            errorSample, LatencySummary.Of(alertLatencies), missing, cpuUse, work, drained);
    }

    /// <summary>The highest offered rate answered without errors, on schedule, with HTTP p99 under <paramref name="p99Ms"/>.</summary>
    public static int? HighestRateHeld(IEnumerable<ReplyStepResult> steps, double p99Ms = 100) => steps
        .Where(s => s.Errors == 0 && s.AlertsMissing == 0 && s.Http.P99 < p99Ms && s.AchievedRate >= 0.95 * s.OfferedRate)
        .Select(s => (int?)s.OfferedRate)
        .Max();
}
