using System.Diagnostics.Metrics;
using Dapper;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Scheduling.Telemetry;

/// <summary><c>painpro.surveys.due</c>: surveys whose send is due now and not yet claimed, by channel (the claim's backlog).</summary>
internal sealed class DueSurveyGauges(SchedulingDb db) : IGaugeSource
{
    private static readonly string Sql = $"""
        SELECT channel AS Channel, COUNT(*) AS Due FROM surveys
        WHERE next_send_at <= @now AND closes_at > @now AND status NOT IN {SqlDialect.Literals(SurveyStatuses.AwaitingProvider)}
        GROUP BY channel
        """;

    public async Task ReadAsync(GaugeReadings readings, CancellationToken ct)
    {
        var rows = await db.ReadAsync(connection => connection.QueryAsync<(string Channel, long Due)>(Sql, new { now = db.Clock.GetUtcNow() }), ct);
        readings.Replace(PainProMetrics.Names.SurveysDue, db.Schema,
            rows.Select(r => new Measurement<double>(r.Due, new KeyValuePair<string, object?>("channel", r.Channel))));
    }
}
