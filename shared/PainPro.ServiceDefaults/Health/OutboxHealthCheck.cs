using Microsoft.Extensions.Diagnostics.HealthChecks;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.ServiceDefaults.Health;

/// <summary>
/// Degraded while the outbox relay keeps failing (broker down, or confirms not coming back): the service still takes
/// intake and replies — they wait in the outbox — so it stays in rotation, but an operator sees why events are late.
/// </summary>
internal sealed class OutboxHealthCheck(OutboxRelayStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var failing = status.Snapshot().Where(e => e.Value.ConsecutiveFailures > 0).ToList();
        if (failing.Count == 0) return Task.FromResult(HealthCheckResult.Healthy("Outbox relay publishing"));
        var detail = string.Join("; ", failing.Select(e =>
            $"{e.Key}: {e.Value.ConsecutiveFailures} failed attempts in a row, last success {e.Value.LastSuccess?.ToString("O") ?? "never"}, last error: {e.Value.LastError}"));
        return Task.FromResult(HealthCheckResult.Degraded($"Outbox relay cannot publish — {detail}"));
    }
}
