using NodaTime;

namespace PainPro.Scheduling.Tests.Support;

public static class TestZones
{
    /// <summary>
    /// A fixed-offset IANA zone (no daylight saving) in which the local hour is <paramref name="hour"/> at
    /// <paramref name="now"/>, so tests under the real-time-based simulated clock know where the send window stands.
    /// </summary>
    public static DateTimeZone WhereLocalHourIs(int hour, DateTimeOffset now)
    {
        var offset = hour - now.UtcDateTime.Hour;
        if (offset < -12) offset += 24;
        if (offset > 14) offset -= 24;
        // Etc/GMT+5 is UTC-5: the sign is inverted in these ids.
        return DateTimeZoneProviders.Tzdb[offset == 0 ? "Etc/GMT" : $"Etc/GMT{(offset > 0 ? "-" : "+")}{Math.Abs(offset)}"];
    }
}
