using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests.Telemetry;

/// <summary>
/// The Grafana dashboard and the Prometheus rules in <c>deploy/grafana</c> query only metrics the services export:
/// every instrument in the process after a thin slice on AllInOne with telemetry on, named as OTLP → Prometheus names them.
/// </summary>
public sealed partial class DashboardTests
{
    private static string Grafana => Path.Combine(TestInfrastructure.RepositoryRoot, "deploy", "grafana");

    [Fact]
    public async Task Every_dashboard_panel_and_alert_rule_queries_a_metric_the_services_export()
    {
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Grafana, "painpro-dashboard.json")))!;
        var panelQueries = dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => (Where: $"panel '{p["title"]}'", Expr: t!["expr"]!.GetValue<string>())))
            .ToList();
        var ruleQueries = ExprLine().Matches(await File.ReadAllTextAsync(Path.Combine(Grafana, "painpro-alerts.yaml")))
            .Select(m => (Where: "alert rule", Expr: m.Groups["expr"].Value)).ToList();
        Assert.True(panelQueries.Count >= 10, "the dashboard has its panels");
        Assert.True(ruleQueries.Count >= 4, "the rules file has its rules");

        var exported = await ExportedPrometheusNamesAsync();
        foreach (var (where, expr) in panelQueries.Concat(ruleQueries))
        {
            var metrics = MetricName().Matches(expr).Select(m => m.Value).ToList();
            Assert.True(metrics.Count > 0, $"{where} queries no metric: {expr}");
            foreach (var metric in metrics)
                Assert.True(exported.Contains(metric), $"{where} queries {metric}, which no service exports. Exported: {string.Join(", ", exported.Order())}");
        }
    }

    [Fact]
    public void A_query_of_a_metric_nobody_exports_is_caught()
    {
        Assert.Single(MetricName().Matches("sum(rate(painpro_surveys_lost_total[5m]))"));
    }

    /// <summary>Every instrument in this process, after AllInOne ran the thin slice with telemetry on, by its Prometheus name(s).</summary>
    private static async Task<HashSet<string>> ExportedPrometheusNamesAsync()
    {
        await using var host = await TelemetryHosts.StartAllInOneAsync(new Dictionary<string, string?> { ["PainPro:Telemetry:Enabled"] = "true" });
        await TelemetryHosts.NewSlice(host).RunAsync();

        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => { lock (names) names.UnionWith(PrometheusNames(instrument)); } };
        listener.Start(); // publishes every instrument that already exists
        names.UnionWith(MassTransitInstruments().SelectMany(PrometheusNames));
        return names;
    }

    /// <summary>
    /// MassTransit creates its instruments once per process, on the meter of the first host's <c>IMeterFactory</c>: a
    /// service has one host, but in this test process an earlier test's host took them and disposed them with itself,
    /// so a listener no longer sees them. Their definitions stay in MassTransit's static fields; read the names there.
    /// </summary>
    private static IEnumerable<Instrument> MassTransitInstruments() =>
        typeof(MassTransit.Logging.LogContextInstrumentationExtensions)
            .GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)
            .Where(f => typeof(Instrument).IsAssignableFrom(f.FieldType))
            .Select(f => f.GetValue(null) as Instrument)
            .OfType<Instrument>();

    /// <summary>The names Prometheus gives an OTLP instrument: dots to underscores, a unit suffix, _total on counters, histogram series.</summary>
    internal static IEnumerable<string> PrometheusNames(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_').Replace('-', '_');
        var unit = instrument.Unit switch { "s" => "_seconds", "ms" => "_milliseconds", "By" => "_bytes", _ => "" };
        if (!name.EndsWith(unit, StringComparison.Ordinal)) name += unit;
        var kind = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        if (kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>)) return [name + "_total"];
        if (kind == typeof(Histogram<>)) return [name + "_bucket", name + "_sum", name + "_count"];
        return [name];
    }

    [GeneratedRegex(@"^\s*expr:\s*(?<expr>.+)$", RegexOptions.Multiline)]
    private static partial Regex ExprLine();

    /// <summary>Metric names in PromQL: the families the dashboard and rules use (functions, labels and keywords never start so).</summary>
    [GeneratedRegex(@"\b(?:painpro|messaging_masstransit|http_server|http_client|dotnet|kestrel|aspnetcore|db_client)_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
