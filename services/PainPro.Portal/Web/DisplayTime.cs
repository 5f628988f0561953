using System.Globalization;
using Microsoft.Extensions.Options;

namespace PainPro.Portal.Web;

/// <summary>Shows instants in the Portal's time zone (<c>PainPro:Portal:TimeZone</c>), and knows "now" from the injected clock.</summary>
public sealed class DisplayTime(IOptions<PortalOptions> options, TimeProvider clock)
{
    private readonly TimeZoneInfo zone = Resolve(options.Value.TimeZone);

    public DateTimeOffset Now => clock.GetUtcNow();

    public DateOnly Today => DateOnly.FromDateTime(Local(Now).DateTime);

    public string ZoneName => zone.Id;

    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone);

    public string Format(DateTimeOffset? instant) =>
        instant is { } i ? Local(i).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary><see cref="Format"/> with the zone it is in ("7 Dec 2026 14:05 UTC−5"): a nurse calling across zones must not guess.</summary>
    public string FormatZoned(DateTimeOffset? instant) =>
        instant is { } i ? $"{Format(i)} {ZoneLabel(zone, i)}" : "—";

    /// <summary>"UTC", "UTC−5" or "UTC+5:30": the offset <paramref name="zone"/> has at <paramref name="instant"/> (daylight saving included).</summary>
    public static string ZoneLabel(TimeZoneInfo zone, DateTimeOffset instant)
    {
        var offset = zone.GetUtcOffset(instant);
        if (offset == TimeSpan.Zero) return "UTC";
        var sign = offset < TimeSpan.Zero ? "−" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? $"UTC{sign}{abs.Hours}"
            : $"UTC{sign}{abs.Hours}:{abs.Minutes:00}";
    }

    /// <summary>The zone named by an IANA id, or null when the id is missing or unknown here.</summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (TimeZoneNotFoundException) { return null; }
        catch (InvalidTimeZoneException) { return null; }
    }

    public string FormatDate(DateTimeOffset? instant) =>
        instant is { } i ? Local(i).ToString("d MMM yyyy", CultureInfo.InvariantCulture) : "—";

    /// <summary>For <c>&lt;time datetime&gt;</c>: machine-readable, with offset.</summary>
    public static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static TimeZoneInfo Resolve(string? id) => FindZone(id) ?? TimeZoneInfo.Utc;
}
