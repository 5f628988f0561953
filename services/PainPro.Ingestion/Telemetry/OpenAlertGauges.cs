using System.Diagnostics.Metrics;
using Dapper;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Ingestion.Telemetry;

/// <summary>
/// Unresolved alerts by severity and status (<c>painpro.alerts.open</c>), and how long the oldest of each has waited
/// (<c>painpro.alerts.open.oldest_age</c>, from raising): the alert rule "high alerts unacknowledged past target" reads it.
/// </summary>
internal sealed class OpenAlertGauges(IngestionDb db) : IGaugeSource
{
    private const string Sql = """
        SELECT severity AS Severity, status AS Status, COUNT(*) AS OpenCount, MIN(raised_at) AS Oldest
        FROM alerts WHERE status <> 'resolved' GROUP BY severity, status
        """;

    public async Task ReadAsync(GaugeReadings readings, CancellationToken ct)
    {
        var rows = (await db.ReadAsync(connection => connection.QueryAsync<OpenAlerts>(Sql), ct)).AsList();
        var now = db.Clock.GetUtcNow();
        readings.Replace(PainProMetrics.Names.AlertsOpen, db.Schema, rows.Select(r => new Measurement<double>(r.OpenCount, Tags(r))));
        readings.Replace(PainProMetrics.Names.AlertsOpenOldestAge, db.Schema,
            rows.Select(r => new Measurement<double>(Math.Max(0, (now - r.Oldest).TotalSeconds), Tags(r))));
    }

    private static KeyValuePair<string, object?>[] Tags(OpenAlerts r) => [new("severity", r.Severity), new("status", r.Status)];

    private sealed class OpenAlerts
    {
        public string Severity { get; init; } = "";
        public string Status { get; init; } = "";
        public long OpenCount { get; init; }
        public DateTimeOffset Oldest { get; init; }
    }
}
