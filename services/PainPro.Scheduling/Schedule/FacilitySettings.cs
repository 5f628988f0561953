using Microsoft.Extensions.Options;
using NodaTime;
using PainPro.ServiceDefaults.Facilities;

namespace PainPro.Scheduling.Schedule;

/// <summary>
/// Send window and fallback time zone per facility, from the shared facility directory
/// (<c>PainPro:Facilities:{name}:SendWindowStart|SendWindowEnd|TimeZone</c>, <c>PainPro:Facilities:Default</c> for the
/// default window) and, as its fallback, <c>PainPro:Scheduling:Facilities:{name}</c> and
/// <c>PainPro:Scheduling:SendWindowStart/End</c>. Read once at start-up; a bad window or zone stops the service with a
/// message naming the key.
/// </summary>
public sealed class FacilitySettings
{
    private readonly SendWindow defaultWindow;
    private readonly Dictionary<string, (SendWindow Window, DateTimeZone? Zone)> facilities = new(StringComparer.OrdinalIgnoreCase);

    public FacilitySettings(IOptions<SchedulingOptions> options, FacilityDirectory? directory = null)
    {
        var o = options.Value;
        var (defaultStart, defaultEnd) = (directory?.Default.SendWindowStart ?? o.SendWindowStart, directory?.Default.SendWindowEnd ?? o.SendWindowEnd);
        defaultWindow = ParseWindow(defaultStart, defaultEnd,
            directory?.Default.SendWindowStart is null && directory?.Default.SendWindowEnd is null ? SchedulingOptions.Section : DefaultKey);
        var names = o.Facilities.Keys.Concat(directory?.Facilities.Keys ?? []).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var listed = directory?.Find(name);
            var legacy = o.Facilities.GetValueOrDefault(name);
            var key = listed is not null ? $"{FacilityDirectory.Section}:{name}" : $"{SchedulingOptions.Section}:Facilities:{name}";
            var (start, end) = (listed?.SendWindowStart ?? legacy?.SendWindowStart, listed?.SendWindowEnd ?? legacy?.SendWindowEnd);
            var window = start is null && end is null ? defaultWindow : ParseWindow(start ?? defaultStart, end ?? defaultEnd, key);
            var zoneName = listed?.TimeZone ?? legacy?.TimeZone;
            DateTimeZone? zone = null;
            if (!string.IsNullOrWhiteSpace(zoneName))
                zone = TimeZones.Find(zoneName) ?? throw new InvalidOperationException($"{key}:TimeZone '{zoneName}' is not an IANA time zone.");
            facilities[name.Trim()] = (window, zone);
        }
    }

    private const string DefaultKey = FacilityDirectory.Section + ":" + FacilityDirectory.DefaultName;

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
