using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Telemetry;

/// <summary>A set of gauges read from a service's database (or broker) every <see cref="TelemetryOptions.GaugeInterval"/>.</summary>
public interface IGaugeSource
{
    /// <summary>Reads its gauges and replaces its earlier readings in <paramref name="readings"/>.</summary>
    Task ReadAsync(GaugeReadings readings, CancellationToken ct);
}

/// <summary>
/// Refreshes the database-read gauges in the background, so a metrics collection never waits on a query (and a slow
/// or unreachable database shows as stale gauges and a log line, not as a stalled exporter). Registered only when
/// telemetry is on.
/// </summary>
public sealed class GaugeSampler(IEnumerable<IGaugeSource> sources, GaugeReadings readings, IOptions<PainProOptions> options,
    ILogger<GaugeSampler> logger) : BackgroundService
{
    /// <summary>Reads every source once; a failing source keeps its last readings.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        foreach (var source in sources)
        {
            try { await source.ReadAsync(readings, ct); }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning("Gauges of {Source} could not be read: {Error}", source.GetType().Name, ex.Message);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time on purpose: a simulated business clock must not stop the gauges.
        using var timer = new PeriodicTimer(options.Value.Telemetry.GaugeInterval);
        try
        {
            do await RefreshAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}

/// <summary>Each service database's outbox: how many messages wait for the relay, and how long the oldest has waited.</summary>
internal sealed class OutboxGauges(IEnumerable<ServiceDatabase> databases) : IGaugeSource
{
    public async Task ReadAsync(GaugeReadings readings, CancellationToken ct)
    {
        foreach (var db in databases)
        {
            var (backlog, oldest) = await db.ReadAsync(async connection =>
            {
                var count = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
                // Ids are version 7: the smallest unsent id is the oldest, found on the unsent index. SQL Server does not
                // sort uniqueidentifier by time; its unsent index is on seq.
                var first = count == 0 ? null : await connection.QuerySingleOrDefaultAsync<DateTimeOffset?>(db.Dialect.IsSqlServer
                    ? "SELECT TOP (1) created_at FROM outbox WHERE sent_at IS NULL ORDER BY seq"
                    : "SELECT created_at FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT 1");
                return (count, first);
            }, ct);
            var age = oldest is { } at ? Math.Max(0, (db.Clock.GetUtcNow() - at).TotalSeconds) : 0;
            var schema = new KeyValuePair<string, object?>("service", db.Schema);
            readings.Replace(PainProMetrics.Names.OutboxBacklog, db.Schema, [new Measurement<double>(backlog, schema)]);
            readings.Replace(PainProMetrics.Names.OutboxOldestUnsentAge, db.Schema, [new Measurement<double>(age, schema)]);
        }
    }
}
