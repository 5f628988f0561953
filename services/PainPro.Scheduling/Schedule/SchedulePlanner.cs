using NodaTime;
using NodaTime.TimeZones;
using PainPro.Contracts;
using PainPro.Scheduling.Protocols;

namespace PainPro.Scheduling.Schedule;

/// <summary>One survey of an enrollment as planned: when it is due, when it first goes out, when its window closes.</summary>
/// <param name="DueAt">The protocol's due time: the procedure's local date plus the timepoint's days, at its local time of day.</param>
/// <param name="SendAt">When the first send goes: the due time, or now for a late enrollment, moved into the send window.</param>
/// <param name="Status"><see cref="SurveyStatuses.Scheduled"/>, or <see cref="SurveyStatuses.Missed"/> when it cannot go out before it closes.</param>
public sealed record PlannedSurvey(
    string Timepoint,
    IReadOnlyList<string> Instruments,
    DateTimeOffset DueAt,
    DateTimeOffset SendAt,
    DateTimeOffset ClosesAt,
    IReadOnlyList<TimeSpan> Reminders,
    string Status);

/// <summary>Everything the schedule of one enrollment depends on.</summary>
public sealed record ScheduleInput(
    Protocol Protocol,
    string BodySite,
    DateTimeOffset PerformedAt,
    bool HasClinicBaseline,
    DateTimeZone Zone,
    SendWindow Window,
    DateTimeOffset Now);

/// <summary>
/// The survey schedule, computed in the patient's time zone (DESIGN §4). Pure: the same input gives the same plan.
/// </summary>
public static class SchedulePlanner
{
    public static IReadOnlyList<PlannedSurvey> Plan(ScheduleInput input)
    {
        var performed = Instant.FromDateTimeOffset(input.PerformedAt).InZone(input.Zone).LocalDateTime;
        var plan = new List<PlannedSurvey>();
        foreach (var rule in input.Protocol.Timepoints)
        {
            var instruments = rule.InstrumentsFor(input.BodySite);
            if (rule.Timepoint == Timepoints.Baseline)
            {
                // Asked at enrollment only when there is still a "before": the procedure is ahead and the clinic gave no baseline.
                if (input.HasClinicBaseline || input.PerformedAt <= input.Now) continue;
                plan.Add(Survey(rule, instruments, dueAt: input.Now, closesAt: input.PerformedAt, input));
                continue;
            }

            var dueAt = AtLocal(performed.PlusDays(rule.DueAfterDays), input.Zone);
            var closesAt = AtLocal(performed.PlusDays(rule.ClosesAfterDays), input.Zone);
            plan.Add(Survey(rule, instruments, dueAt, closesAt, input));
        }
        return plan;
    }

    /// <summary>
    /// When the next reminder goes after a send at <paramref name="after"/>, or null when none is left before the
    /// window closes. Reminders count from the first send and are each moved into the send window; one that lands
    /// at or before <paramref name="after"/> (two reminders in one night, a late claim) is not sent twice.
    /// </summary>
    public static DateTimeOffset? NextReminder(
        DateTimeOffset firstSentAt, IReadOnlyList<TimeSpan> reminders, DateTimeOffset after, DateTimeOffset closesAt,
        DateTimeZone zone, SendWindow window)
    {
        foreach (var delay in reminders.Order())
        {
            var at = window.NextOpening(firstSentAt + delay, zone);
            if (at > after) return at < closesAt ? at : null;
        }
        return null;
    }

    private static PlannedSurvey Survey(TimepointRule rule, IReadOnlyList<string> instruments, DateTimeOffset dueAt, DateTimeOffset closesAt, ScheduleInput input)
    {
        // A window already open at enrollment sends at the next opening from now; one already closed is missed.
        var earliest = dueAt > input.Now ? dueAt : input.Now;
        var sendAt = input.Window.NextOpening(earliest, input.Zone);
        var status = sendAt < closesAt ? SurveyStatuses.Scheduled : SurveyStatuses.Missed;
        return new PlannedSurvey(rule.Timepoint, instruments, dueAt, sendAt, closesAt, rule.Reminders, status);
    }

    /// <summary>A local date and time as an instant: a time skipped by daylight saving moves forward, a repeated one takes the earlier.</summary>
    private static DateTimeOffset AtLocal(LocalDateTime local, DateTimeZone zone) =>
        zone.ResolveLocal(local, Resolvers.LenientResolver).ToInstant().ToDateTimeOffset();
}

/// <summary>IANA time zones from NodaTime's bundled tzdb: the same answers on every machine.</summary>
public static class TimeZones
{
    public static DateTimeZone? Find(string? id) =>
        string.IsNullOrWhiteSpace(id) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id.Trim());
}
