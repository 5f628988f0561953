using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Options;
using NodaTime;
using PainPro.Contracts;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Scheduling;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;

namespace PainPro.Reliability.Tests.Properties;

/// <summary>
/// The schedule computation (DESIGN §4) over random procedure times, every tzdb zone, late and early enrollments and
/// every body site. The Scheduling project proves every send falls inside the local window; these properties pin
/// what each survey is due, when it is missed, when the baseline is asked and how reminders follow.
/// </summary>
public class ScheduleProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(Sizes.PropertyRuns);

    private static readonly Protocol Cementoplasty =
        new ProtocolCatalog(Options.Create(new SchedulingOptions())).For(ProcedureTypes.Cementoplasty);

    private static readonly Gen<DateTimeZone> Zones =
        Gen.Elements(DateTimeZoneProviders.Tzdb.Ids.ToArray()).Select(id => DateTimeZoneProviders.Tzdb[id]);

    /// <summary>Procedure instants from 2000 to 2040, to the second.</summary>
    private static readonly Gen<Instant> Instants =
        Gen.Choose(0, int.MaxValue).Select(n => Instant.FromUtc(2000, 1, 1, 0, 0) + Duration.FromSeconds(n % (40L * 365 * 24 * 3600)));

    /// <summary>Enrolled from 10 days before the procedure to 120 days after it.</summary>
    private static readonly Gen<Duration> Lateness = Gen.Choose(-10 * 24 * 60, 120 * 24 * 60).Select(m => Duration.FromMinutes(m));

    private static readonly Gen<string> BodySiteNames = Gen.Elements(BodySites.All.ToArray());

    private sealed record Case(Instant Performed, DateTimeZone Zone, Instant Now, string BodySite, bool ClinicBaseline)
    {
        public ScheduleInput Input => new(Cementoplasty, BodySite, Performed.ToDateTimeOffset(), ClinicBaseline, Zone, SendWindow.Default, Now.ToDateTimeOffset());

        public override string ToString() =>
            $"procedure {Performed.InZone(Zone)} ({Zone.Id}), enrolled {Now.InZone(Zone)}, {BodySite}, clinic baseline {ClinicBaseline}";
    }

    private static readonly Gen<Case> Cases =
        from performed in Instants
        from zone in Zones
        from lateness in Lateness
        from site in BodySiteNames
        from clinicBaseline in Gen.Elements(true, false)
        select new Case(performed, zone, performed + lateness, site, clinicBaseline);

    [Fact]
    public void Each_timepoint_is_due_and_closes_on_its_local_calendar_day_at_the_procedures_local_time()
    {
        using var entry = Ledger.Open("inputs.schedule-calendar-days", Ledger.Inputs, "Schedule: due/close on local calendar days at the procedure's local time, DST-safe");
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var performed = c.Performed.InZone(c.Zone).LocalDateTime;
            var plan = SchedulePlanner.Plan(c.Input);
            var ok = Cementoplasty.Timepoints.Where(t => t.Timepoint != Timepoints.Baseline).All(rule =>
            {
                var survey = plan.Single(s => s.Timepoint == rule.Timepoint);
                return IsLocal(survey.DueAt, performed.PlusDays(rule.DueAfterDays), c.Zone)
                    && IsLocal(survey.ClosesAt, performed.PlusDays(rule.ClosesAfterDays), c.Zone);
            });
            return ok.Label(c.ToString());
        }).Check(Runs);
        entry.Count("schedules", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void A_survey_is_missed_exactly_when_no_send_window_opens_before_it_closes_and_is_never_sent_in_the_past()
    {
        using var entry = Ledger.Open("inputs.schedule-missed", Ledger.Inputs, "Schedule: missed exactly when no window opens before close; never sent in the past");
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var now = c.Now.ToDateTimeOffset();
            var ok = SchedulePlanner.Plan(c.Input).All(s =>
            {
                var firstOpening = SendWindow.Default.NextOpening(s.DueAt > now ? s.DueAt : now, c.Zone);
                return s.Status == (firstOpening < s.ClosesAt ? SurveyStatuses.Scheduled : SurveyStatuses.Missed)
                    && (s.Status == SurveyStatuses.Missed || (s.SendAt == firstOpening && s.SendAt >= now && s.SendAt >= s.DueAt));
            });
            return ok.Label(c.ToString());
        }).Check(Runs);
        entry.Count("schedules", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void The_baseline_is_asked_only_before_the_procedure_and_only_without_a_clinic_baseline_and_closes_at_the_procedure()
    {
        using var entry = Ledger.Open("inputs.schedule-baseline", Ledger.Inputs, "Schedule: baseline only before the procedure, only without a clinic baseline");
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var baseline = SchedulePlanner.Plan(c.Input).SingleOrDefault(s => s.Timepoint == Timepoints.Baseline);
            var expected = !c.ClinicBaseline && c.Performed > c.Now;
            var ok = expected
                ? baseline is not null && baseline.DueAt == c.Now.ToDateTimeOffset() && baseline.ClosesAt == c.Performed.ToDateTimeOffset()
                : baseline is null;
            return ok.Label($"{c}: {baseline}");
        }).Check(Runs);
        entry.Count("schedules", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void Timepoints_follow_each_other_and_reminders_follow_the_send_in_order_inside_the_window_never_twice()
    {
        using var entry = Ledger.Open("inputs.schedule-reminders", Ledger.Inputs, "Schedule: timepoints in order; reminders after the send, in order, before close, never twice");
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var plan = SchedulePlanner.Plan(c.Input).Where(s => s.Timepoint != Timepoints.Baseline).ToList();
            var ordered = plan.Zip(plan.Skip(1)).All(pair => pair.First.DueAt < pair.Second.DueAt) && plan.All(s => s.DueAt < s.ClosesAt);
            var remindersOk = plan.Where(s => s.Status == SurveyStatuses.Scheduled).All(s =>
            {
                var sends = new List<DateTimeOffset> { s.SendAt };
                while (sends.Count <= s.Reminders.Count + 1
                       && SchedulePlanner.NextReminder(s.SendAt, s.Reminders, sends[^1], s.ClosesAt, c.Zone, SendWindow.Default) is { } next)
                    sends.Add(next);
                return sends.Count <= s.Reminders.Count + 1
                    && sends.Zip(sends.Skip(1)).All(pair => pair.First < pair.Second)
                    && sends.All(at => at < s.ClosesAt && SendWindow.Default.Contains(at, c.Zone));
            });
            return (ordered && remindersOk).Label(c.ToString());
        }).Check(Runs);
        entry.Count("schedules", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void MSTS_is_asked_only_at_month_1_and_3_and_only_in_the_variant_of_an_extremity_site()
    {
        using var entry = Ledger.Open("inputs.schedule-msts", Ledger.Inputs, "Schedule: MSTS variant by body site, never for spine or other sites");
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var variant = BodySites.LowerExtremity.Contains(c.BodySite) ? InstrumentCodes.MstsLower
                : BodySites.UpperExtremity.Contains(c.BodySite) ? InstrumentCodes.MstsUpper
                : null;
            var ok = SchedulePlanner.Plan(c.Input).All(s =>
            {
                var msts = s.Instruments.Where(i => i.StartsWith("msts", StringComparison.Ordinal)).ToList();
                return s.Timepoint is Timepoints.Month1 or Timepoints.Month3
                    ? (variant is null ? msts.Count == 0 : msts.SequenceEqual([variant]))
                    : msts.Count == 0;
            });
            return ok.Label(c.ToString());
        }).Check(Runs);
        entry.Count("schedules", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void Moving_the_procedure_by_whole_days_in_a_zone_without_daylight_saving_moves_every_survey_by_as_many_days()
    {
        using var entry = Ledger.Open("inputs.schedule-reschedule", Ledger.Inputs, "Schedule: a procedure moved by whole days moves every survey as much (fixed-offset zones)");
        var fixedZones = Gen.Elements("Etc/UTC", "Etc/GMT+5", "Etc/GMT-9", "Asia/Kolkata", "Asia/Tokyo").Select(id => DateTimeZoneProviders.Tzdb[id]);
        var cases =
            from performed in Instants
            from zone in fixedZones
            from shift in Gen.Choose(-20, 20)
            select (performed, zone, shift);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            // Enrolled long before either date, so nothing is late, missed or baseline-dependent.
            var now = (c.performed - Duration.FromDays(60)).ToDateTimeOffset();
            ScheduleInput At(Instant performed) => new(Cementoplasty, "femur", performed.ToDateTimeOffset(), true, c.zone, SendWindow.Default, now);
            var before = SchedulePlanner.Plan(At(c.performed));
            var after = SchedulePlanner.Plan(At(c.performed + Duration.FromDays(c.shift)));
            var days = TimeSpan.FromDays(c.shift);
            var ok = before.Count == after.Count && before.Zip(after).All(pair =>
                pair.Second.DueAt == pair.First.DueAt + days && pair.Second.ClosesAt == pair.First.ClosesAt + days
                && pair.Second.SendAt == pair.First.SendAt + days && pair.Second.Status == pair.First.Status);
            return ok.Label($"{c.performed} in {c.zone.Id} moved {c.shift} days");
        }).Check(Runs);
        entry.Count("reschedules", Sizes.PropertyRuns).Pass();
    }

    /// <summary>
    /// The instant is the target local time; or, when daylight saving skips that time, the first instant after the gap
    /// (local time moved forward by the gap); or, when the time happens twice, the earlier.
    /// </summary>
    private static bool IsLocal(DateTimeOffset actual, LocalDateTime target, DateTimeZone zone)
    {
        var instant = Instant.FromDateTimeOffset(actual);
        var mapping = zone.MapLocal(target);
        return mapping.Count switch
        {
            1 => instant == mapping.Single().ToInstant(),
            2 => instant == mapping.First().ToInstant(),
            _ => instant == mapping.LateInterval.Start + (target - mapping.EarlyInterval.IsoLocalEnd).ToDuration(),
        };
    }
}
