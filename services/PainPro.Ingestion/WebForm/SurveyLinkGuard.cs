using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PainPro.Ingestion.WebForm;

/// <summary>
/// Rate-limits guessing of survey links (DESIGN §8): only failed look-ups count — per client address and in total —
/// and past either allowance further unknown links get 429 until the window turns. A valid link is never throttled:
/// behind a mobile carrier's shared address, someone else's wrong guesses must not lock a patient out of their survey.
/// </summary>
/// <remarks>
/// So a guesser still learns, even while throttled, whether a token exists. That is no help: a token is 128 random
/// bits, so with a million live links one guess in 2^108 is right. The limits keep guessing costly and visible (429s
/// in the access log), not possible-in-principle.
/// </remarks>
public sealed class SurveyLinkGuard : IDisposable
{
    private readonly PartitionedRateLimiter<string> perClient;
    private readonly RateLimiter total;

    public SurveyLinkGuard(IOptions<IngestionOptions> options)
    {
        var links = options.Value.SurveyLinks;
        perClient = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = links.FailedLookupsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        total = new FixedWindowRateLimiter(
            new FixedWindowRateLimiterOptions { PermitLimit = links.FailedLookupsPerMinuteTotal, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }

    /// <summary>Whether an unknown link from this client is refused: its own or everyone's allowance is used up.</summary>
    public bool IsBlocked(string client)
    {
        // Asking for zero permits tells whether any are left without spending one.
        using var own = perClient.AttemptAcquire(client, 0);
        using var all = total.AttemptAcquire(0);
        return !own.IsAcquired || !all.IsAcquired;
    }

    /// <summary>Spends one failed look-up of the client's allowance and of the total.</summary>
    public void RecordFailedLookup(string client)
    {
        using var own = perClient.AttemptAcquire(client, 1);
        using var all = total.AttemptAcquire(1);
    }

    public void Dispose()
    {
        perClient.Dispose();
        total.Dispose();
    }
}
