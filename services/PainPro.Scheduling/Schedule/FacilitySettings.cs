using Microsoft.Extensions.Options;
using NodaTime;

namespace PainPro.Scheduling.Schedule;

/// <summary>
/// Send window and fallback time zone per facility, from <c>PainPro:Scheduling:Facilities:{name}</c>.
/// Read once at start-up; a bad window or zone stops the service with a message naming the key.
/// </summary>
public sealed class FacilitySettings
{
    private readonly SendWindow defaultWindow;
    private readonly Dictionary<string, (SendWindow Window, DateTimeZone? Zone)> facilities = new(StringComparer.OrdinalIgnoreCase);

    public FacilitySettings(IOptions<SchedulingOptions> options)
    {
        var o = options.Value;
        defaultWindow = ParseWindow(o.SendWindowStart, o.SendWindowEnd, SchedulingOptions.Section);
        foreach (var (name, facility) in o.Facilities)
        {
            var key = $"{SchedulingOptions.Section}:Facilities:{name}";
            var window = facility.SendWindowStart is null && facility.SendWindowEnd is null
                ? defaultWindow
                : ParseWindow(facility.SendWindowStart ?? o.SendWindowStart, facility.SendWindowEnd ?? o.SendWindowEnd, key);
            DateTimeZone? zone = null;
            if (!string.IsNullOrWhiteSpace(facility.TimeZone))
                zone = TimeZones.Find(facility.TimeZone)
                    ?? throw new InvalidOperationException($"{key}:TimeZone '{facility.TimeZone}' is not an IANA time zone.");
            facilities[name.Trim()] = (window, zone);
        }
    }

    public SendWindow WindowFor(string facility) =>
        facilities.TryGetValue(facility.Trim(), out var f) ? f.Window : defaultWindow;

    /// <summary>The facility's zone, used when the patient's is unknown; null when none is configured.</summary>
    public DateTimeZone? TimeZoneFor(string facility) =>
        facilities.TryGetValue(facility.Trim(), out var f) ? f.Zone : null;

    private static SendWindow ParseWindow(string start, string end, string key) =>
        SendWindow.TryParse(start, end, out var window, out var error)
            ? window
            : throw new InvalidOperationException($"{key}:SendWindowStart/SendWindowEnd: {error}");
}
