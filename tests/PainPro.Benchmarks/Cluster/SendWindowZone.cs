namespace PainPro.Benchmarks.Cluster;

/// <summary>
/// Picks a real time zone where it is early afternoon at a given instant, so surveys due then fall inside the
/// default 09:00–19:00 send window and go at once, whatever time of day the benchmark runs.
/// </summary>
public static class SendWindowZone
{
    // One zone per UTC offset, west to east; daylight saving moves some by an hour, which the search absorbs.
    private static readonly string[] Candidates =
    [
        "Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
        "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo", "Atlantic/South_Georgia",
        "Atlantic/Azores", "Europe/London", "Europe/Paris", "Europe/Athens", "Europe/Istanbul", "Asia/Dubai",
        "Asia/Karachi", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane",
        "Pacific/Noumea", "Pacific/Auckland", "Pacific/Tongatapu",
    ];

    /// <summary>The zone whose local time at <paramref name="instant"/> is closest to 13:00.</summary>
    public static TimeZoneInfo Around1PmAt(DateTimeOffset instant) => Candidates
        .Select(TimeZoneInfo.FindSystemTimeZoneById)
        .MinBy(zone => Math.Abs((TimeZoneInfo.ConvertTime(instant, zone).TimeOfDay - TimeSpan.FromHours(13)).TotalMinutes))!;
}
