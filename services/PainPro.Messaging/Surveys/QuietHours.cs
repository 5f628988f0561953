using System.Globalization;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.TimeZones;
using PainPro.Contracts;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// Quiet hours at the moment of sending: a survey text may start only inside the patient's local send window — the
/// one <see cref="SurveyDue"/> carries (the facility's), else <c>Delivery:SendWindowStart/End</c> — and only if the
/// window is still open <c>Delivery:QuietHoursMargin</c> later, so a request that starts before the window closes
/// cannot arrive after it. Asked right before each provider call (after the rate-limit wait, which can be long), for
/// first sends, reminders, deferred and resumed sends alike; outside the window the send waits for the next opening.
/// Replies to a patient who just wrote to us are conversation and are not held.
/// </summary>
public sealed class QuietHours
{
    private const int MinutesPerDay = 24 * 60;

    // A start that falls in a daylight-saving gap opens the moment the gap ends; an ambiguous one takes the earlier.
    private static readonly ZoneLocalMappingResolver OpeningResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    private readonly (int Start, int End) defaultWindow;
    private readonly Duration margin;

    public QuietHours(IOptions<MessagingOptions> options)
    {
        var delivery = options.Value.Delivery;
        defaultWindow = TryParseWindow(delivery.SendWindowStart, delivery.SendWindowEnd, out var window, out var error)
            ? window
            : throw new InvalidOperationException($"PainPro:Messaging:Delivery:SendWindowStart/SendWindowEnd: {error}");
        margin = Duration.FromTimeSpan(delivery.QuietHoursMargin < TimeSpan.Zero ? TimeSpan.Zero : delivery.QuietHoursMargin);
    }

    /// <summary>
    /// Null when a text for <paramref name="due"/> may start at <paramref name="now"/>; otherwise the instant its
    /// window next opens. An unknown zone is read as UTC (Scheduling only sends known ones).
    /// </summary>
    public DateTimeOffset? HoldUntil(SurveyDue due, DateTimeOffset now)
    {
        var zone = (string.IsNullOrWhiteSpace(due.TimeZone) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(due.TimeZone.Trim()))
            ?? DateTimeZone.Utc;
        var (start, end) = WindowOf(due);
        var instant = Instant.FromDateTimeOffset(now);
        if (Inside(instant.InZone(zone).TimeOfDay, start, end) && Inside((instant + margin).InZone(zone).TimeOfDay, start, end))
            return null;

        var startTime = LocalTime.Midnight.PlusMinutes(start);
        var local = instant.InZone(zone);
        var day = local.TimeOfDay < startTime ? local.Date : local.Date.PlusDays(1);
        for (var tries = 0; tries < 7; tries++, day = day.PlusDays(1))
        {
            var opening = zone.ResolveLocal(day.At(startTime), OpeningResolver);
            if (opening.ToInstant() > instant && Inside(opening.TimeOfDay, start, end)) return opening.ToDateTimeOffset().ToUniversalTime();
        }
        throw new InvalidOperationException($"The send window {start}-{end} never opens in {zone.Id} within a week of {now:O}.");
    }

    /// <summary>The survey's window in minutes after local midnight; the default when it carries none or a nonsensical one.</summary>
    private (int Start, int End) WindowOf(SurveyDue due) =>
        due is { SendWindowStartMinute: { } start and >= 0, SendWindowEndMinute: { } end and <= MinutesPerDay } && start < end
            ? (start, end)
            : defaultWindow;

    private static bool Inside(LocalTime time, int start, int end)
    {
        var minute = time.TickOfDay / (double)NodaConstants.TicksPerMinute;
        return minute >= start && minute < end;
    }

    /// <summary>Reads two <c>HH:mm</c> times (the end may be <c>24:00</c>) into a non-empty window.</summary>
    public static bool TryParseWindow(string start, string end, out (int Start, int End) window, out string? error)
    {
        window = default;
        if (!TryParseMinute(start, out var s) || s == MinutesPerDay) { error = $"'{start}' is not a time of day (HH:mm)."; return false; }
        if (!TryParseMinute(end, out var e)) { error = $"'{end}' is not a time of day (HH:mm, or 24:00)."; return false; }
        if (s >= e) { error = $"The window {start}-{end} is empty: its start must come before its end."; return false; }
        window = (s, e);
        error = null;
        return true;
    }

    private static bool TryParseMinute(string? text, out int minute)
    {
        minute = -1;
        var parts = (text ?? "").Trim().Split(':');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            && minutes < 60 && hours * 60 + minutes <= MinutesPerDay)
            minute = hours * 60 + minutes;
        return minute >= 0;
    }
}
