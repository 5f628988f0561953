using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Options;
using NodaTime;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;
using Xunit;

namespace PainPro.Scheduling.Tests.Schedule;

/// <summary>"No send ever falls outside the local window", over random instants, every tzdb zone and random windows.</summary>
public class SendWindowPropertyTests
{
    private static readonly string[] ZoneIds = [.. DateTimeZoneProviders.Tzdb.Ids];

    private static readonly Gen<Instant> Instants =
        Gen.Choose(0, int.MaxValue).Select(n => Instant.FromUtc(2000, 1, 1, 0, 0) + Duration.FromSeconds((long)n % (40L * 365 * 24 * 3600)));

    private static readonly Gen<DateTimeZone> Zones = Gen.Elements(ZoneIds).Select(id => DateTimeZoneProviders.Tzdb[id]);

    private static readonly Gen<SendWindow> Windows =
        Gen.Choose(0, 23 * 60).SelectMany(start => Gen.Choose(start + 30, 24 * 60).Select(end => new SendWindow(start, end)));

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(3000);

    [Fact]
    public void The_next_opening_is_inside_the_window_never_earlier_than_asked_and_the_first_one()
    {
        var cases = Instants.SelectMany(i => Zones.SelectMany(z => Windows.Select(w => (Instant: i, Zone: z, Window: w))));

        Check.One(Runs, Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var opening = c.Window.NextOpening(c.Instant, c.Zone);
            var inside = c.Window.Contains(opening.InZone(c.Zone).TimeOfDay);
            // Either it was already open, or the moment before the opening was still closed: nothing earlier qualified.
            var first = opening == c.Instant || !c.Window.Contains((opening - Duration.Epsilon).InZone(c.Zone).TimeOfDay);
            return (inside && opening >= c.Instant && first)
                .Label($"{c.Instant} in {c.Zone.Id} with {c.Window}: opening {opening.InZone(c.Zone)}");
        }));
    }

    [Fact]
    public void Every_planned_first_send_and_reminder_is_inside_the_local_send_window()
    {
        var protocol = new ProtocolCatalog(Options.Create(new SchedulingOptions())).For(ProcedureTypes.Cementoplasty);
        var lateness = Gen.Choose(-3 * 24 * 60, 120 * 24 * 60).Select(m => Duration.FromMinutes(m));
        var cases = Instants.SelectMany(i => Zones.SelectMany(z => lateness.Select(l => (Performed: i, Zone: z, Now: i + l))));

        Check.One(Runs, Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var now = c.Now.ToDateTimeOffset();
            var plan = SchedulePlanner.Plan(new ScheduleInput(
                protocol, "femur", c.Performed.ToDateTimeOffset(), HasClinicBaseline: false, c.Zone, SendWindow.Default, now));
            var ok = plan.All(s => s.Status == SurveyStatuses.Missed
                ? s.SendAt >= s.ClosesAt
                : SendWindow.Default.Contains(s.SendAt, c.Zone) && s.SendAt >= now && s.SendAt >= s.DueAt && s.SendAt < s.ClosesAt
                  && Reminders(s, c.Zone).All(r => SendWindow.Default.Contains(r, c.Zone) && r < s.ClosesAt));
            return ok.Label($"procedure {c.Performed} in {c.Zone.Id}, enrolled {c.Now}");
        }));
    }

    /// <summary>Every reminder a survey would get if it were sent at its planned time and never answered.</summary>
    private static IEnumerable<DateTimeOffset> Reminders(PlannedSurvey survey, DateTimeZone zone)
    {
        var after = survey.SendAt;
        while (SchedulePlanner.NextReminder(survey.SendAt, survey.Reminders, after, survey.ClosesAt, zone, SendWindow.Default) is { } next)
        {
            yield return next;
            after = next;
        }
    }
}
