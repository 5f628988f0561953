using System.Collections.Concurrent;

namespace PainPro.Messaging.RateLimiting;

/// <summary>
/// A token bucket that queues instead of refusing: callers wait their turn in arrival order, none is ever dropped.
/// It is kept as the equivalent "virtual scheduling" form (GCRA): the bucket remembers when its next token is
/// earned, and each grant is measured from the moment it really happened, so a timer that fires late never lets
/// the following send through early. With capacity 1 no window of one second ever sees more than the rate.
/// Time is the monotonic timestamp of the <see cref="TimeProvider"/>, not its wall clock, so moving the dev clock
/// forward releases no burst.
/// </summary>
public sealed class TokenBucket
{
    private readonly TimeProvider time;
    private readonly long interval;   // timestamp ticks between two tokens
    private readonly long tolerance;  // how far ahead of the steady pace a burst may run
    private readonly SemaphoreSlim turnstile = new(1, 1); // async waiters are released first-come, first-served
    private long nextTokenAt;

    public TokenBucket(double ratePerSecond, int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        this.time = time;
        interval = (long)Math.Ceiling(time.TimestampFrequency / ratePerSecond);
        tolerance = (capacity - 1) * interval;
        nextTokenAt = time.GetTimestamp();
    }

    /// <summary>Waits until a token is free and takes it; returns the timestamp of the grant.</summary>
    public async Task<long> TakeAsync(CancellationToken ct)
    {
        await turnstile.WaitAsync(ct);
        try
        {
            while (true)
            {
                var now = time.GetTimestamp();
                var earliest = nextTokenAt - tolerance;
                if (now >= earliest)
                {
                    nextTokenAt = Math.Max(nextTokenAt, now) + interval;
                    return now;
                }
                // Round up to whole milliseconds: timers are no finer, and waking a hair early just loops once more.
                var wait = TimeSpan.FromMilliseconds(Math.Ceiling((earliest - now) * 1000.0 / time.TimestampFrequency));
                await Task.Delay(wait, time, ct);
            }
        }
        finally
        {
            turnstile.Release();
        }
    }
}

/// <summary>One bucket per sender (Twilio number or Messaging Service), shared by everything that texts from it.</summary>
public sealed class SenderRateLimits(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TokenBucket> buckets = new();

    /// <summary>
    /// Waits for the sender's next slot and returns the timestamp it was granted at; returns at once when the rate is
    /// not positive (no limit).
    /// </summary>
    public Task<long> WaitTurnAsync(string sender, double ratePerSecond, int burst, CancellationToken ct) =>
        ratePerSecond <= 0
            ? Task.FromResult(time.GetTimestamp())
            : buckets.GetOrAdd(sender, _ => new TokenBucket(ratePerSecond, Math.Max(1, burst), time)).TakeAsync(ct);
}
