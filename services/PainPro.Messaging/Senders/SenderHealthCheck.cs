using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PainPro.Messaging.Senders;

/// <summary>
/// Degraded, with the reason, while the provider refuses our sender (every send held) or is unavailable (sends
/// deferred): Messaging still takes work — nothing is lost, it waits in its database — so it stays in rotation, but an
/// operator sees why texts are late. The reason names our sender and the provider's code, never a patient.
/// </summary>
internal sealed class SenderHealthCheck(SenderStates senders) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var troubled = (await senders.ListAsync(ct)).Where(s => s.State != SenderStates.Ok).ToList();
        if (troubled.Count == 0) return HealthCheckResult.Healthy("The providers take our sends");
        return HealthCheckResult.Degraded(string.Join("; ", troubled.Select(Describe)));
    }

    public static string Describe(SenderStatus s) => s.IsRefused
        ? $"{s.Channel} sender {s.Sender} refused by the provider since {s.Since:O} ({s.ErrorCode}: {s.Detail}); every send is held, next probe at {s.NextProbeAt:O}"
        : $"{s.Channel} provider unavailable since {s.Since:O} ({s.Detail}); sends are deferred and retried";
}
