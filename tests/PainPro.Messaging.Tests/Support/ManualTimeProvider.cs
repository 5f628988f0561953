namespace PainPro.Messaging.Tests.Support;

/// <summary>
/// A clock that moves only when told: timers (and so <c>Task.Delay(…, provider)</c>) fire on <see cref="Advance"/>.
/// Lets rate-limit and backoff tests check exact timings without waiting for them.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset? start = null) : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now = start ?? new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private long ticks;

    /// <summary>Every delay anyone has asked for, in order.</summary>
    public List<TimeSpan> RequestedDelays { get; } = [];

    public override DateTimeOffset GetUtcNow() { lock (gate) return now; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() { lock (gate) return ticks; }

    public TimeSpan Elapsed => TimeSpan.FromTicks(GetTimestamp());

    /// <summary>Moves time forward, firing every timer that falls due, in order.</summary>
    public void Advance(TimeSpan by)
    {
        var target = GetTimestamp() + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (gate)
            {
                next = timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    now += TimeSpan.FromTicks(target - ticks);
                    ticks = target;
                    return;
                }
                now += TimeSpan.FromTicks(Math.Max(0, next.DueAt - ticks));
                ticks = Math.Max(ticks, next.DueAt);
                timers.Remove(next);
            }
            next.Fire();
        }
    }

    /// <summary>Waits until someone is waiting on a timer (a delay has been requested) — for tests that then advance.</summary>
    public async Task WaitForTimersAsync(int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            lock (gate) if (timers.Count >= count) return;
            await Task.Delay(5);
        }
        throw new TimeoutException($"Nobody started {count} timer(s).");
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime)
    {
        lock (gate)
        {
            timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan) return;
            RequestedDelays.Add(dueTime);
            timer.DueAt = ticks + dueTime.Ticks;
            timers.Add(timer);
        }
    }

    private void Cancel(ManualTimer timer) { lock (gate) timers.Remove(timer); }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime);
            return true;
        }

        // Off the caller's thread, as a real timer would.
        public void Fire() => ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);

        public void Dispose() => owner.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
