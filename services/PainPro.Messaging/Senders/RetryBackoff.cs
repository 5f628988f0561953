namespace PainPro.Messaging.Senders;

/// <summary>
/// How long a send the provider could not take waits before its next attempt: <c>FirstRetryDelay</c> doubled per earlier
/// deferral, ±20 % so replicas and rows spread apart, at least the provider's <c>Retry-After</c>, never more than
/// <c>MaxRetryDelay</c> — short enough that a recovery is noticed within it even if nothing wakes the send.
/// </summary>
public static class RetryBackoff
{
    public static TimeSpan Delay(int earlierDeferrals, TimeSpan? retryAfter, DeliveryOptions options, double? jitter = null)
    {
        var exponential = options.FirstRetryDelay * Math.Pow(2, Math.Min(earlierDeferrals, 30));
        var jittered = exponential * (jitter ?? 0.8 + Random.Shared.NextDouble() * 0.4);
        var delay = retryAfter is { } asked && asked > jittered ? asked : jittered;
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}
