using System.Globalization;
using System.Text;
using PainPro.Benchmarks.Harness;
using PainPro.Benchmarks.Sections;

namespace PainPro.Benchmarks.Reporting;

/// <summary>
/// Renders a run as one Markdown table: every section, each throughput as a ratio of the raw broker's figure on
/// the same machine, and the target it is read against (reported, never asserted).
/// </summary>
public static class MarkdownReport
{
    public static class Targets
    {
        public const double DispatchPerSecond = 2_000;
        public const int ReplyRate = 1_000;
        public const double ReplyHttpP99Ms = 50;
        public const double ReplyAlertP99Ms = 500;
        public const long RssBytes = 250L * 1024 * 1024;
        public const double DueToProviderP99Seconds = 15;
        public const double TransactionsPerItem = 3;

        /// <summary>"Flat": the largest schedule's median claim batch within this factor of the smallest's.</summary>
        public const double ClaimGrowth = 1.5;
    }

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(BenchmarkReport report)
    {
        var m = report.Machine;
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"PainPro benchmarks ({report.Size} size), {report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.Duration.TotalMinutes:F1} min.");
        if (report.NpgsqlOptions is { } tuning) text.AppendLine(Invariant, $"Npgsql settings added to every connection string: `{tuning}`.");
        text.AppendLine(Invariant, $"Machine: {m.Cores} cores ({m.Cpu}), {Gib(m.MemoryBytes)} RAM, {m.OperatingSystem}, {m.Runtime}; PostgreSQL {m.PostgreSql} ({m.PostgresDurability}); RabbitMQ {report.Broker?.BrokerVersion ?? "?"}; services, broker, database and load generator share the machine (load average {m.LoadAverageAtStart:F1} at start).");
        text.AppendLine();
        text.AppendLine("| section | measure | result | vs raw broker | target |");
        text.AppendLine("|---|---|---|---|---|");

        var broker = report.Broker;
        if (broker is not null)
        {
            Row(text, "raw broker", $"persistent publish, confirms, {broker.MessageBytes:N0}-byte body",
                $"{broker.PublishPerSecond:N0} msg/s", "baseline", "");
            Row(text, "raw broker", "publish → confirm, one at a time, p50 / p99", Ms(broker.ConfirmRoundTrip.P50, broker.ConfirmRoundTrip.P99), "", "");
            Row(text, "raw broker", $"consume + ack, prefetch {broker.Prefetch}", $"{broker.ConsumePerSecond:N0} msg/s", "", "");
        }

        if (report.Idle is { } idle)
            Row(text, "idle", $"database work with nothing due, {idle.Window.TotalSeconds:F0} s (Hangfire's clocks, the relays)",
                $"{idle.TransactionsPerSecond:N0} transactions/s, {idle.RowsWrittenPerSecond:N0} row writes/s ({idle.HangfireRowsPerSecond:N0}/s in Hangfire's tables)", "", "");

        if (report.Dispatch is { } d)
        {
            Row(text, "dispatch", $"{d.Surveys:N0} day-3 surveys due at once → SMS accepted by the provider",
                $"**{d.SurveysPerSecond:N0} surveys/s**", Ratio(d.SurveysPerSecond, broker?.PublishPerSecond), Verdict(d.SurveysPerSecond >= Targets.DispatchPerSecond, "≥ 2,000/s"));
            Row(text, "dispatch", "due → provider call p50 / p95 / p99", Seconds(d.DueToProvider), "",
                Verdict(d.DueToProvider.P99 < Targets.DueToProviderP99Seconds * 1000, "p99 < 15 s"));
            Row(text, "dispatch", "claim loop: every due survey claimed and in the outbox", $"{d.ClaimedWithin.TotalSeconds:F1} s", "", "");
            Row(text, "dispatch", "CPU share of the machine", d.Cpu.Describe(), "", "");
            Row(text, "dispatch", "CPU per survey: services, PostgreSQL and RabbitMQ (steadier than rates on a shared machine)",
                $"{d.Cpu.SystemMillisecondsPer(d.Surveys):F2} ms", "", "");
            Row(text, "dispatch", "database work per survey (all services)", Work(d.Database), "", TransactionsVerdict(d.Database));
            if (report.Profiles.FirstOrDefault(p => p.Flow == "survey sent") is { } sent)
                Row(text, "dispatch", "SQL per survey in Messaging + Ingestion, one at a time (in-process profile)", Profile(sent), "", "");
            Row(text, "intake", "CSV import (2,000-row files)", $"{d.ImportPerSecond:N0} enrollments/s", "", "");
        }

        foreach (var r in report.Replies)
        {
            var atTarget = r.OfferedRate == Targets.ReplyRate;
            Row(text, $"replies {r.OfferedRate:N0}/s", $"{r.Replies:N0} signed webhooks: HTTP p50 / p99, errors",
                $"{Ms(r.Http.P50, r.Http.P99)}, {r.Errors} errors{(r.AchievedRate < 0.95 * r.OfferedRate ? $" (offered only {r.AchievedRate:N0}/s)" : "")}",
                "", atTarget ? Verdict(r.Http.P99 <= Targets.ReplyHttpP99Ms && r.Errors == 0, "p99 ≤ 50 ms") : "");
            Row(text, $"replies {r.OfferedRate:N0}/s", "reply → PainAlertRaised consumed p50 / p99",
                Ms(r.ReplyToAlert.P50, r.ReplyToAlert.P99) + (r.AlertsMissing > 0 ? $", {r.AlertsMissing} missing" : ""),
                "", atTarget ? Verdict(r.ReplyToAlert.P99 <= Targets.ReplyAlertP99Ms && r.AlertsMissing == 0, "p99 ≤ 500 ms") : "");
            Row(text, $"replies {r.OfferedRate:N0}/s", "CPU share of the machine", r.Cpu.Describe(), "", "");
            Row(text, $"replies {r.OfferedRate:N0}/s", "CPU per reply until its alert was out: services, PostgreSQL and RabbitMQ",
                $"{r.CpuMillisecondsPerReply:F2} ms", "", "");
            // The idle cluster's background (the idle section) is inside this figure and weighs most at low rates.
            Row(text, $"replies {r.OfferedRate:N0}/s", "database work per reply (all services)", Work(r.Database), "", TransactionsVerdict(r.Database));
        }
        if (report.Replies.Count > 0)
        {
            if (report.Profiles.FirstOrDefault(p => p.Flow == "reply") is { } reply)
                Row(text, "replies", "SQL per reply in Ingestion + Messaging, one at a time (in-process profile)", Profile(reply), "", "");
            var held = report.HighestReplyRateHeld;
            Row(text, "replies", "highest offered rate held (no errors, HTTP p99 < 100 ms)",
                held is { } rate ? $"**{rate:N0} replies/s**" : "none of the rates tried",
                held is { } h ? Ratio(h, broker?.PublishPerSecond) : "", "");
        }

        foreach (var (measure, result) in TelemetryOverheadBenchmark.Rows(report.Telemetry)) Row(text, "telemetry", measure, result, "", "");

        var smallest = report.Scale.FirstOrDefault();
        foreach (var s in report.Scale)
        {
            var growth = smallest is null ? double.NaN : s.ClaimBatch.P50 / smallest.ClaimBatch.P50;
            Row(text, $"scale {Short(s.Size)}", $"claim batch of {s.BatchSize} p50 / p95 (×{growth:F2} of smallest); idle claim p50",
                $"{Ms(s.ClaimBatch.P50, s.ClaimBatch.P95)}; {s.IdleClaim.P50:F2} ms",
                "", s == smallest ? "" : Verdict(growth <= Targets.ClaimGrowth, "flat"));
            Row(text, $"scale {Short(s.Size)}", $"claim loop dispatch ({s.Due:N0} due, one replica); claim query plan",
                $"{s.DispatchPerSecond:N0} surveys/s; {s.ClaimPlanIndex}, {s.ClaimPlanMs:F2} ms", Ratio(s.DispatchPerSecond, broker?.PublishPerSecond), "");
        }
        if (report.Scale.LastOrDefault() is { } largest)
        {
            Row(text, $"scale {Short(largest.Size)}", "where a claim batch's database time goes (per batch)",
                SqlProfile.Describe(largest.BatchStatements), "", "");
        }

        var claim = report.Scale.LastOrDefault()?.DispatchPerSecond;
        foreach (var jobs in report.Jobs)
            Row(text, "hangfire", $"one no-op fire-and-forget job each ({jobs.Storage} storage, {jobs.Jobs:N0} jobs, {jobs.Workers} workers)",
                $"{jobs.JobsPerSecond:N0} jobs/s" + (claim is { } c ? $" (the claim: {c:N0} surveys/s)" : ""), Ratio(jobs.JobsPerSecond, broker?.PublishPerSecond), "");

        foreach (var mem in report.Memory)
            Row(text, "memory", $"{mem.Service} peak RSS ({mem.Load})", $"{mem.PeakRssBytes / 1024.0 / 1024.0:N0} MB", "",
                Verdict(mem.PeakRssBytes <= Targets.RssBytes, "≤ 250 MB"));

        foreach (var failure in report.Failures)
            Row(text, "FAILED", failure.ReplaceLineEndings(" "), "", "", "");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string section, string measure, string result, string vsRaw, string target) =>
        text.AppendLine(Invariant, $"| {section} | {measure.Replace("|", "/")} | {result} | {vsRaw} | {target} |");

    private static string Profile(FlowProfile flow) => string.Create(Invariant,
        $"{flow.StatementsPerItem:F0} statements, {flow.MsPerItem:F1} ms: {SqlProfile.Describe(flow.Statements, top: 3)}");

    private static string TransactionsVerdict(DatabaseWork work) =>
        Verdict(work.TransactionsPerItem <= Targets.TransactionsPerItem, "≤ 3 transactions");

    private static string Work(DatabaseWork work) =>
        string.Create(Invariant, $"{work.TransactionsPerItem:F1} transactions, {work.RowsWrittenPerItem:F1} row writes");

    private static string Verdict(bool met, string target) => $"{target} {(met ? "✅" : "❌")}";

    private static string Ratio(double value, double? raw) =>
        raw is > 0 ? string.Create(Invariant, $"{value / raw.Value:P1} of publish") : "";

    private static string Ms(double a, double b) => string.Create(Invariant, $"{Round(a)} / {Round(b)} ms");

    private static string Seconds(LatencySummary s) => string.Create(Invariant, $"{s.P50 / 1000:F2} / {s.P95 / 1000:F2} / {s.P99 / 1000:F2} s");

    private static string Round(double ms) => ms switch
    {
        double.NaN => "–",
        < 10 => ms.ToString("F1", Invariant),
        _ => ms.ToString("N0", Invariant),
    };

    private static string Short(long rows) => rows switch
    {
        >= 1_000_000 => string.Create(Invariant, $"{rows / 1_000_000.0:0.##}M"),
        >= 1_000 => string.Create(Invariant, $"{rows / 1_000.0:0.#}k"),
        _ => rows.ToString(Invariant),
    };

    private static string Gib(long bytes) => string.Create(Invariant, $"{bytes / 1024.0 / 1024 / 1024:F1} GiB");
}
