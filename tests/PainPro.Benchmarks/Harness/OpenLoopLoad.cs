using System.Diagnostics;

namespace PainPro.Benchmarks.Harness;

/// <summary>What an offered-load run did: how many requests it started and over how long.</summary>
public sealed record LoadRun(int Started, TimeSpan Elapsed)
{
    public double AchievedRate => Elapsed > TimeSpan.Zero ? Started / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Offers requests at a fixed rate whatever the system under test does (an open loop): request <c>i</c> is due at
/// <c>i / rate</c> seconds and is started then, without waiting for earlier ones. A system that falls behind sees its
/// queue grow, as it would with real Twilio traffic. Callers time each request from its scheduled start, so a late
/// start caused by an overloaded machine counts against the latency instead of hiding it (no coordinated omission).
/// </summary>
public static class OpenLoopLoad
{
    /// <param name="send">Sends request <c>i</c>; it gets the request's scheduled start time as a Stopwatch timestamp.</param>
    public static async Task<LoadRun> RunAsync(int ratePerSecond, int count, TimeSpan maxDuration,
        Func<int, long, Task> send, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        var inFlight = new List<Task>(count);
        var clock = Stopwatch.StartNew();
        var started = 0;
        var origin = Stopwatch.GetTimestamp();
        while (started < count && clock.Elapsed < maxDuration && !ct.IsCancellationRequested)
        {
            var dueNow = (int)Math.Min(count, Math.Floor(clock.Elapsed.TotalSeconds * ratePerSecond) + 1);
            for (; started < dueNow; started++)
            {
                var scheduled = origin + (long)(started * (double)Stopwatch.Frequency / ratePerSecond);
                inFlight.Add(send(started, scheduled));
            }
            // Timers on Linux resolve to about a millisecond: good enough to spread 2,000 requests a second evenly.
            await Task.Delay(1, ct);
        }
        var offeredFor = clock.Elapsed;
        await Task.WhenAll(inFlight);
        return new LoadRun(started, offeredFor);
    }
}
