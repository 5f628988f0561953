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

    public string FormatDate(DateTimeOffset? instant) =>
        instant is { } i ? Local(i).ToString("d MMM yyyy", CultureInfo.InvariantCulture) : "—";

    /// <summary>For <c>&lt;time datetime&gt;</c>: machine-readable, with offset.</summary>
    public static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static TimeZoneInfo Resolve(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
        catch (InvalidTimeZoneException) { return TimeZoneInfo.Utc; }
    }
}
