using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PainPro.Ingestion.WebForm;

/// <summary>
/// Rate-limits guessing of survey links: each client address may hit a limited number of unknown or expired
/// links per minute; past that, every <c>/s/…</c> request from it gets 429 until the window turns.
/// Patients with a good link never spend a permit.
/// </summary>
public sealed class SurveyLinkGuard : IDisposable
{
    private readonly PartitionedRateLimiter<string> failedLookups;

    public SurveyLinkGuard(IOptions<IngestionOptions> options)
    {
        var limit = options.Value.SurveyLinks.FailedLookupsPerMinute;
        failedLookups = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Whether the client has used up its failed lookups for this window.</summary>
    public bool IsBlocked(string client)
    {
        // Asking for zero permits tells whether any are left without spending one.
        using var lease = failedLookups.AttemptAcquire(client, 0);
        return !lease.IsAcquired;
    }

    public void RecordFailedLookup(string client)
    {
        using var _ = failedLookups.AttemptAcquire(client, 1);
    }

    public void Dispose() => failedLookups.Dispose();
}
