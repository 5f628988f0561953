using System.Globalization;
using NodaTime;
using NodaTime.TimeZones;

namespace PainPro.Scheduling.Schedule;

/// <summary>
/// The local hours in which a patient may be texted or e-mailed: [start, end) in minutes after local midnight.
/// Everything that sends (first sends and reminders) goes through <see cref="NextOpening(Instant, DateTimeZone)"/>.
/// </summary>
public readonly record struct SendWindow
{
    public static readonly SendWindow Default = new(9 * 60, 19 * 60);

    public SendWindow(int startMinute, int endMinute)
    {
        if (startMinute < 0 || endMinute > MinutesPerDay || startMinute >= endMinute)
            throw new ArgumentOutOfRangeException(nameof(startMinute), $"A send window needs 0 <= start < end <= {MinutesPerDay} minutes; got {startMinute}-{endMinute}.");
        StartMinute = startMinute;
        EndMinute = endMinute;
    }

    private const int MinutesPerDay = 24 * 60;

    public int StartMinute { get; }
    public int EndMinute { get; }

    private LocalTime Start => LocalTime.MinValue.PlusMinutes(StartMinute);

    private static readonly ZoneLocalMappingResolver OpeningResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    public bool Contains(LocalTime time) =>
        time.TickOfDay >= StartMinute * NodaConstants.TicksPerMinute && time.TickOfDay < EndMinute * NodaConstants.TicksPerMinute;

    /// <summary>
    /// The earliest instant at or after <paramref name="from"/> whose local time in <paramref name="zone"/> is inside
    /// the window: <paramref name="from"/> itself when it is, else the next local start. A start that does not exist
    /// that day (it falls in a daylight-saving gap) opens the moment the gap ends; an ambiguous one takes the earlier instant.
    /// </summary>
    public Instant NextOpening(Instant from, DateTimeZone zone)
    {
        var local = from.InZone(zone);
        if (Contains(local.TimeOfDay)) return from;

        var date = local.TimeOfDay < Start ? local.Date : local.Date.PlusDays(1);
        for (var day = 0; day < 7; day++, date = date.PlusDays(1))
        {
            var opening = zone.ResolveLocal(date.At(Start), OpeningResolver);
            if (opening.ToInstant() > from && Contains(opening.TimeOfDay)) return opening.ToInstant();
        }
        throw new InvalidOperationException($"No opening of the send window {this} in {zone.Id} within a week of {from}.");
    }

    public DateTimeOffset NextOpening(DateTimeOffset from, DateTimeZone zone) =>
        NextOpening(Instant.FromDateTimeOffset(from), zone).ToDateTimeOffset();

    public bool Contains(DateTimeOffset instant, DateTimeZone zone) =>
        Contains(Instant.FromDateTimeOffset(instant).InZone(zone).TimeOfDay);

    /// <summary>Reads <c>HH:mm</c> times; the end may be <c>24:00</c>.</summary>
    public static bool TryParse(string start, string end, out SendWindow window, out string? error)
    {
        window = default;
        if (!TryParseMinute(start, out var s) || s == MinutesPerDay)
        {
            error = $"'{start}' is not a time of day (HH:mm).";
            return false;
        }
        if (!TryParseMinute(end, out var e))
        {
            error = $"'{end}' is not a time of day (HH:mm, or 24:00).";
            return false;
        }
        if (s >= e)
        {
            error = $"The window {start}-{end} is empty; its start must come before its end on the same day.";
            return false;
        }
        window = new SendWindow(s, e);
        error = null;
        return true;
    }

    private static bool TryParseMinute(string text, out int minute)
    {
        minute = 0;
        var parts = text.Trim().Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
            return false;
        minute = hours * 60 + minutes;
        return true;
    }

    public override string ToString() => $"{StartMinute / 60:D2}:{StartMinute % 60:D2}-{EndMinute / 60:D2}:{EndMinute % 60:D2}";
}
