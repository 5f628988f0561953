namespace PainPro.ServiceDefaults.Clock;

/// <summary>
/// A clock that stands still until told to move (dev and tests). Timers still tick in real time:
/// only "now" is simulated, so polling loops keep running while the calendar jumps.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public DateTimeOffset Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "The clock only moves forward.");
        return new DateTimeOffset(Interlocked.Add(ref ticks, by.Ticks), TimeSpan.Zero);
    }
}
