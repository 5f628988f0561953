using System.Collections.Concurrent;
using PainPro.Messaging.RateLimiting;
using PainPro.Messaging.Tests.Support;

namespace PainPro.Messaging.Tests.RateLimiting;

public class TokenBucketTests
{
    private readonly ManualTimeProvider time = new();

    /// <summary>Starts <paramref name="count"/> takers at once and moves time in small steps until all are through.</summary>
    private async Task<List<TimeSpan>> TakeAllAsync(TokenBucket bucket, int count, TimeSpan step)
    {
        var grants = new ConcurrentQueue<TimeSpan>();
        var takers = Enumerable.Range(0, count).Select(async _ =>
        {
            var grantedAt = await bucket.TakeAsync(CancellationToken.None);
            grants.Enqueue(TimeSpan.FromTicks(grantedAt));
        }).ToList();
        var all = Task.WhenAll(takers);
        while (!all.IsCompleted)
        {
            await Task.Delay(1);
            time.Advance(step);
        }
        await all;
        return grants.Order().ToList();
    }

    [Fact]
    public async Task At_five_per_second_twenty_takers_are_let_through_200_ms_apart_none_dropped()
    {
        var bucket = new TokenBucket(ratePerSecond: 5, capacity: 1, time);

        var grants = await TakeAllAsync(bucket, 20, TimeSpan.FromMilliseconds(10));

        Assert.Equal(20, grants.Count);
        Assert.Equal(TimeSpan.Zero, grants[0]);
        for (var i = 1; i < grants.Count; i++)
            Assert.True(grants[i] - grants[i - 1] >= TimeSpan.FromMilliseconds(200), $"grants {i - 1} and {i}: {grants[i - 1]} → {grants[i]}");
        // And no slower than the rate: the 20th goes at 19 × 200 ms, give or take one time step.
        Assert.InRange(grants[^1], TimeSpan.FromMilliseconds(3800), TimeSpan.FromMilliseconds(3810));
    }

    [Fact]
    public async Task No_one_second_window_sees_more_than_the_rate_when_the_burst_is_one()
    {
        var bucket = new TokenBucket(ratePerSecond: 5, capacity: 1, time);

        var grants = await TakeAllAsync(bucket, 30, TimeSpan.FromMilliseconds(7));

        foreach (var start in grants)
            Assert.True(grants.Count(g => g >= start && g < start + TimeSpan.FromSeconds(1)) <= 5, $"more than 5 in the second from {start}");
    }

    [Fact]
    public async Task A_burst_lets_that_many_through_at_once_then_the_rate_applies()
    {
        var bucket = new TokenBucket(ratePerSecond: 2, capacity: 3, time);

        var grants = await TakeAllAsync(bucket, 5, TimeSpan.FromMilliseconds(10));

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], grants.Take(3));
        Assert.InRange(grants[3], TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(510));
        Assert.InRange(grants[4], TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(1010));
    }

    [Fact]
    public async Task An_idle_bucket_refills_only_up_to_its_capacity()
    {
        var bucket = new TokenBucket(ratePerSecond: 5, capacity: 1, time);
        await bucket.TakeAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));

        var start = time.Elapsed;
        var grants = await TakeAllAsync(bucket, 3, TimeSpan.FromMilliseconds(10));

        Assert.Equal(start, grants[0]);
        Assert.True(grants[1] - grants[0] >= TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_without_taking_a_token()
    {
        var bucket = new TokenBucket(ratePerSecond: 1, capacity: 1, time);
        await bucket.TakeAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = bucket.TakeAsync(cancel.Token);
        await time.WaitForTimersAsync();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TakeAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Senders_have_separate_buckets_and_a_rate_of_zero_never_waits()
    {
        var limits = new SenderRateLimits(time);

        await limits.WaitTurnAsync("+15550000001", 1, 1, CancellationToken.None);

        Assert.True(limits.WaitTurnAsync("+15550000002", 1, 1, CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(limits.WaitTurnAsync("+15550000001", 1, 1, CancellationToken.None).IsCompleted);
        for (var i = 0; i < 100; i++) Assert.True(limits.WaitTurnAsync("unlimited", 0, 1, CancellationToken.None).IsCompletedSuccessfully);
    }
}
