using System.Text.Json;

namespace PainPro.ServiceDefaults.Clock;

/// <summary>
/// The dev clock: real time plus an offset that only grows when told (<c>POST /dev/clock/advance</c>).
/// Time keeps flowing, so a dev host behaves normally between jumps, and timers tick in real time.
/// With a state file the offset survives a restart, so SQLite data never sees time run backwards.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private readonly TimeProvider system;
    private readonly string? stateFile;
    private long offsetTicks;

    public SimulatedClock(TimeProvider? system = null, string? stateFile = null)
    {
        this.system = system ?? TimeProvider.System;
        this.stateFile = stateFile;
        if (stateFile is not null && File.Exists(stateFile))
        {
            try { offsetTicks = JsonSerializer.Deserialize<State>(File.ReadAllText(stateFile))?.OffsetTicks ?? 0; }
            catch (JsonException) { offsetTicks = 0; }
        }
    }

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public override DateTimeOffset GetUtcNow() => system.GetUtcNow() + Offset;

    public DateTimeOffset Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "The clock only moves forward.");
        Interlocked.Add(ref offsetTicks, by.Ticks);
        Save();
        return GetUtcNow();
    }

    /// <summary>
    /// Sets the offset outright, backwards included. Only for seeding a fresh store (the demo cohort is
    /// enrolled months in the past and then lived through); never once data depends on the time.
    /// </summary>
    public void SetOffset(TimeSpan offset)
    {
        Interlocked.Exchange(ref offsetTicks, offset.Ticks);
        Save();
    }

    private void Save()
    {
        if (stateFile is null) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stateFile))!);
            File.WriteAllText(stateFile, JsonSerializer.Serialize(new State(Interlocked.Read(ref offsetTicks))));
        }
        catch (IOException) { /* the offset lasts for this run only */ }
        catch (UnauthorizedAccessException) { }
    }

    private sealed record State(long OffsetTicks);
}
