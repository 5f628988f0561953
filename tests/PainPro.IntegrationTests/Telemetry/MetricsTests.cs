using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using PainPro.ServiceDefaults.Telemetry;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests.Telemetry;

/// <summary>The PainPro meter after the thin slice on AllInOne: each fact counted once, the backlog gauges read back to rest.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task After_the_thin_slice_the_counters_hold_one_claim_one_send_two_answers_one_alert_one_completion_and_no_backlog()
    {
        var exported = new List<Metric>();
        await using var host = await TelemetryHosts.StartAllInOneAsync(new Dictionary<string, string?> { ["PainPro:Telemetry:Enabled"] = "true" },
            b => b.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported)));

        var slice = TelemetryHosts.NewSlice(host);
        await slice.RunAsync();
        // Quiet before reading: every outbox relayed (the gauge itself says so once the relays are done).
        var sampler = host.Services.GetRequiredService<GaugeSampler>();
        var readings = host.Services.GetRequiredService<GaugeReadings>();
        await Eventually.TrueAsync(async () =>
        {
            await sampler.RefreshAsync(CancellationToken.None);
            return readings.Read(PainProMetrics.Names.OutboxBacklog).Count() == 4
                && readings.Read(PainProMetrics.Names.OutboxBacklog).All(m => m.Value == 0);
        }, "every outbox empty");

        exported.Clear();
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush());
        double Value(string name, params (string Key, string Value)[] tags) => exported.Where(m => m.Name == name)
            .SelectMany(TracingTests.Points)
            .Where(p => tags.All(t => p.Tags.GetValueOrDefault(t.Key) == t.Value))
            .Sum(p => p.Sum);

        Assert.Equal(1, Value(PainProMetrics.Names.SurveysClaimed, ("channel", "sms"), ("attempt", "first")));
        Assert.Equal(1, Value(PainProMetrics.Names.SurveysClaimed));
        Assert.Equal(1, Value(PainProMetrics.Names.SurveysSent, ("channel", "sms")));
        Assert.Equal(0, Value(PainProMetrics.Names.SurveysDeferred));
        Assert.Equal(0, Value(PainProMetrics.Names.SurveysFailed));
        Assert.Equal(2, Value(PainProMetrics.Names.SmsReplies, ("outcome", "answered")));
        Assert.Equal(2, Value(PainProMetrics.Names.SmsReplies));
        Assert.Equal(1, Value(PainProMetrics.Names.AlertsRaised, ("rule", "pain-progression"), ("severity", "high")));
        Assert.Equal(1, Value(PainProMetrics.Names.SurveysCompleted, ("timepoint", "day3")));
        Assert.Equal(1, Value(PainProMetrics.Names.AlertsOpen, ("severity", "high"), ("status", "open")));
        Assert.Equal(0, Value(PainProMetrics.Names.SurveysDue));
        Assert.Equal(0, Value(PainProMetrics.Names.OutboxBacklog));
        Assert.Equal(0, Value(PainProMetrics.Names.OutboxOldestUnsentAge));
        // The runtime's and ASP.NET Core's own instruments are exported beside ours.
        Assert.Contains(exported, m => m.Name == "http.server.request.duration");
        Assert.Contains(exported, m => m.Name.StartsWith("dotnet.", StringComparison.Ordinal) || m.Name.StartsWith("process.runtime.dotnet.", StringComparison.Ordinal));
    }
}
