using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using PainPro.Contracts;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;
using Xunit;

namespace PainPro.Scheduling.Tests.Schedule;

/// <summary>
/// The schedule in the patient's zone (done-when 1): due on the procedure's local date + N days at its local time
/// of day, whatever daylight saving does in between, and sent only inside 09:00–19:00 local.
/// </summary>
public class SchedulePlannerTests
{
    private static readonly Protocol Cementoplasty = new ProtocolCatalog(Options.Create(new SchedulingOptions())).For(ProcedureTypes.Cementoplasty);

    [Fact]
    public void New_York_day_3_across_the_spring_change_keeps_the_local_time_of_day()
    {
        // 2026-03-08 02:00 EST becomes 03:00 EDT: the procedure is at UTC-5, day 3 at UTC-4, both at 14:00 local.
        var plan = Plan("America/New_York", performed: "2026-03-06T14:00:00-05:00", now: "2026-03-06T16:00:00-05:00");

        Assert.Equal(At("2026-03-09T14:00:00-04:00"), plan[Timepoints.Day3].DueAt);
        Assert.Equal(At("2026-03-09T14:00:00-04:00"), plan[Timepoints.Day3].SendAt);
        Assert.Equal(At("2026-03-11T14:00:00-04:00"), plan[Timepoints.Day3].ClosesAt);
    }

    [Fact]
    public void New_York_day_3_in_the_skipped_hour_moves_forward_and_is_sent_at_the_window_opening()
    {
        // 02:30 does not exist on 2026-03-08: it becomes 03:30 EDT, and the send waits for 09:00.
        var plan = Plan("America/New_York", performed: "2026-03-05T02:30:00-05:00", now: "2026-03-05T08:00:00-05:00");

        Assert.Equal(At("2026-03-08T03:30:00-04:00"), plan[Timepoints.Day3].DueAt);
        Assert.Equal(At("2026-03-08T09:00:00-04:00"), plan[Timepoints.Day3].SendAt);
    }

    [Fact]
    public void New_York_day_3_across_the_autumn_change_keeps_the_local_time_of_day()
    {
        // 2026-11-01 02:00 EDT falls back to 01:00 EST: 10:00 local is 14:00Z before and 15:00Z after.
        var plan = Plan("America/New_York", performed: "2026-10-30T10:00:00-04:00", now: "2026-10-30T12:00:00-04:00");

        Assert.Equal(At("2026-11-02T10:00:00-05:00"), plan[Timepoints.Day3].DueAt);
        Assert.Equal(At("2026-11-02T10:00:00-05:00"), plan[Timepoints.Day3].SendAt);
    }

    [Fact]
    public void New_York_day_3_in_the_repeated_hour_takes_the_earlier_instant()
    {
        var plan = Plan("America/New_York", performed: "2026-10-29T01:30:00-04:00", now: "2026-10-29T09:00:00-04:00");

        Assert.Equal(At("2026-11-01T01:30:00-04:00"), plan[Timepoints.Day3].DueAt);
        Assert.Equal(At("2026-11-01T09:00:00-05:00"), plan[Timepoints.Day3].SendAt);
    }

    [Fact]
    public void London_surveys_follow_British_Summer_Time()
    {
        // BST starts 2026-03-29: a procedure at 10:00 GMT has day 3 at 10:00 BST (09:00Z) and month 1 likewise.
        var plan = Plan("Europe/London", performed: "2026-03-27T10:00:00+00:00", now: "2026-03-27T12:00:00+00:00");

        Assert.Equal(At("2026-03-30T10:00:00+01:00"), plan[Timepoints.Day3].SendAt);
        Assert.Equal(At("2026-04-26T10:00:00+01:00"), plan[Timepoints.Month1].SendAt);
        Assert.Equal(At("2026-05-03T10:00:00+01:00"), plan[Timepoints.Month1].ClosesAt);
    }

    [Fact]
    public void Kolkata_evening_procedure_is_surveyed_the_next_morning_on_the_half_hour_offset()
    {
        var plan = Plan("Asia/Kolkata", performed: "2026-06-01T20:00:00+05:30", now: "2026-06-01T21:00:00+05:30");

        Assert.Equal(At("2026-06-04T20:00:00+05:30"), plan[Timepoints.Day3].DueAt);
        Assert.Equal(At("2026-06-05T09:00:00+05:30"), plan[Timepoints.Day3].SendAt);
        Assert.Equal(At("2026-06-05T03:30:00+00:00"), plan[Timepoints.Day3].SendAt);
    }

    [Fact]
    public void Lord_Howe_half_hour_daylight_saving_shift_keeps_local_times()
    {
        // Lord Howe moves from UTC+10:30 to UTC+11 at 02:00 on 2026-10-04 (02:00-02:30 does not exist).
        var plan = Plan("Australia/Lord_Howe", performed: "2026-10-01T14:00:00+10:30", now: "2026-10-01T15:00:00+10:30");
        Assert.Equal(At("2026-10-04T14:00:00+11:00"), plan[Timepoints.Day3].SendAt);

        var skipped = Plan("Australia/Lord_Howe", performed: "2026-10-01T02:15:00+10:30", now: "2026-10-01T15:00:00+10:30");
        Assert.Equal(At("2026-10-04T02:45:00+11:00"), skipped[Timepoints.Day3].DueAt);
        Assert.Equal(At("2026-10-04T09:00:00+11:00"), skipped[Timepoints.Day3].SendAt);
    }

    [Fact]
    public void Procedure_at_23_30_local_is_surveyed_at_9_the_next_morning()
    {
        var plan = Plan("America/New_York", performed: "2026-06-10T23:30:00-04:00", now: "2026-06-10T23:45:00-04:00");

        Assert.Equal(At("2026-06-13T23:30:00-04:00"), plan[Timepoints.Day3].DueAt);
        Assert.Equal(At("2026-06-14T09:00:00-04:00"), plan[Timepoints.Day3].SendAt);
        Assert.Equal(At("2026-06-15T23:30:00-04:00"), plan[Timepoints.Day3].ClosesAt);
        Assert.Equal(SurveyStatuses.Scheduled, plan[Timepoints.Day3].Status);
    }

    [Fact]
    public void Enrolled_4_days_late_day_3_goes_now_while_its_window_is_open()
    {
        var plan = Plan("America/New_York", performed: "2026-06-01T10:00:00-04:00", now: "2026-06-05T12:00:00-04:00");

        Assert.Equal(SurveyStatuses.Scheduled, plan[Timepoints.Day3].Status);
        Assert.Equal(At("2026-06-05T12:00:00-04:00"), plan[Timepoints.Day3].SendAt);
        Assert.Equal(At("2026-07-01T10:00:00-04:00"), plan[Timepoints.Month1].SendAt);
    }

    [Fact]
    public void Enrolled_4_days_late_at_night_day_3_goes_at_the_next_opening()
    {
        var plan = Plan("America/New_York", performed: "2026-06-01T10:00:00-04:00", now: "2026-06-05T22:00:00-04:00");

        Assert.Equal(SurveyStatuses.Scheduled, plan[Timepoints.Day3].Status);
        Assert.Equal(At("2026-06-06T09:00:00-04:00"), plan[Timepoints.Day3].SendAt);
    }

    [Fact]
    public void Enrolled_40_days_late_day_3_and_month_1_are_missed_and_month_3_is_scheduled()
    {
        var plan = Plan("America/New_York", performed: "2026-06-01T10:00:00-04:00", now: "2026-07-11T10:00:00-04:00");

        Assert.Equal(SurveyStatuses.Missed, plan[Timepoints.Day3].Status);
        Assert.Equal(SurveyStatuses.Missed, plan[Timepoints.Month1].Status);
        Assert.Equal(SurveyStatuses.Scheduled, plan[Timepoints.Month3].Status);
        Assert.Equal(At("2026-08-30T10:00:00-04:00"), plan[Timepoints.Month3].SendAt);
    }

    [Fact]
    public void Enrolled_35_days_late_month_1_is_still_open_and_goes_now()
    {
        var plan = Plan("America/New_York", performed: "2026-06-01T10:00:00-04:00", now: "2026-07-06T11:00:00-04:00");

        Assert.Equal(SurveyStatuses.Missed, plan[Timepoints.Day3].Status);
        Assert.Equal(SurveyStatuses.Scheduled, plan[Timepoints.Month1].Status);
        Assert.Equal(At("2026-07-06T11:00:00-04:00"), plan[Timepoints.Month1].SendAt);
    }

    [Fact]
    public void A_window_whose_last_opening_is_after_its_close_is_missed()
    {
        // Enrolled at 20:00 on the evening day 3 closes at 21:00: there is no opening left before it closes.
        var plan = Plan("America/New_York", performed: "2026-06-01T21:00:00-04:00", now: "2026-06-06T20:00:00-04:00");

        Assert.Equal(SurveyStatuses.Missed, plan[Timepoints.Day3].Status);
    }

    [Fact]
    public void A_future_procedure_without_a_clinic_baseline_gets_a_baseline_survey_until_the_procedure()
    {
        var plan = Plan("America/New_York", performed: "2026-06-03T10:00:00-04:00", now: "2026-06-01T12:00:00-04:00", clinicBaseline: false);

        var baseline = plan[Timepoints.Baseline];
        Assert.Equal(At("2026-06-01T12:00:00-04:00"), baseline.SendAt);
        Assert.Equal(At("2026-06-03T10:00:00-04:00"), baseline.ClosesAt);
        Assert.Equal([InstrumentCodes.Vas], baseline.Instruments);
        Assert.Equal([TimeSpan.FromHours(12)], baseline.Reminders);
    }

    [Theory]
    [InlineData(true, "2026-06-01T12:00:00-04:00")]   // the clinic gave one
    [InlineData(false, "2026-06-03T12:00:00-04:00")]  // the procedure has already happened
    public void No_baseline_survey_when_the_clinic_gave_one_or_the_procedure_is_past(bool clinicBaseline, string now)
    {
        var plan = Plan("America/New_York", performed: "2026-06-03T10:00:00-04:00", now: now, clinicBaseline: clinicBaseline);

        Assert.False(plan.ContainsKey(Timepoints.Baseline));
    }

    [Theory]
    [InlineData("femur", InstrumentCodes.MstsLower)]
    [InlineData("acetabulum", InstrumentCodes.MstsLower)]
    [InlineData("humerus", InstrumentCodes.MstsUpper)]
    [InlineData("hand", InstrumentCodes.MstsUpper)]
    [InlineData("lumbar-spine", null)]
    [InlineData("other", null)]
    public void Month_surveys_ask_the_MSTS_variant_of_the_body_site(string bodySite, string? msts)
    {
        var plan = Plan("Europe/London", performed: "2026-06-01T10:00:00+01:00", now: "2026-06-01T12:00:00+01:00", bodySite: bodySite);

        string[] expected = msts is null ? [InstrumentCodes.Vas, InstrumentCodes.Analgesic] : [InstrumentCodes.Vas, InstrumentCodes.Analgesic, msts];
        Assert.Equal(expected, plan[Timepoints.Month1].Instruments);
        Assert.Equal(expected, plan[Timepoints.Month3].Instruments);
        Assert.Equal([InstrumentCodes.Vas, InstrumentCodes.Analgesic], plan[Timepoints.Day3].Instruments);
    }

    [Fact]
    public void A_reminder_that_falls_at_night_goes_at_the_next_opening()
    {
        var zone = Zone("America/New_York");
        var firstSent = At("2026-06-04T18:30:00-04:00");

        var next = SchedulePlanner.NextReminder(firstSent, [TimeSpan.FromHours(12)], after: firstSent,
            closesAt: At("2026-06-06T10:00:00-04:00"), zone, SendWindow.Default);

        Assert.Equal(At("2026-06-05T09:00:00-04:00"), next);
    }

    [Fact]
    public void Reminders_after_the_first_come_in_order_and_none_after_the_window_closes()
    {
        var zone = Zone("America/New_York");
        var firstSent = At("2026-07-01T10:00:00-04:00");
        TimeSpan[] reminders = [TimeSpan.FromHours(48), TimeSpan.FromHours(96)];
        var closes = At("2026-07-08T10:00:00-04:00");

        var first = SchedulePlanner.NextReminder(firstSent, reminders, firstSent, closes, zone, SendWindow.Default);
        var second = SchedulePlanner.NextReminder(firstSent, reminders, first!.Value, closes, zone, SendWindow.Default);
        var none = SchedulePlanner.NextReminder(firstSent, reminders, second!.Value, closes, zone, SendWindow.Default);
        var tooLate = SchedulePlanner.NextReminder(firstSent, reminders, firstSent, closesAt: At("2026-07-03T09:00:00-04:00"), zone, SendWindow.Default);

        Assert.Equal(At("2026-07-03T10:00:00-04:00"), first);
        Assert.Equal(At("2026-07-05T10:00:00-04:00"), second);
        Assert.Null(none);
        Assert.Null(tooLate);
    }

    [Fact]
    public void Two_reminders_that_land_in_the_same_night_are_sent_once()
    {
        var zone = Zone("America/New_York");
        var firstSent = At("2026-06-04T18:00:00-04:00");
        TimeSpan[] reminders = [TimeSpan.FromHours(6), TimeSpan.FromHours(8)]; // 00:00 and 02:00: both become 09:00
        var closes = At("2026-06-10T18:00:00-04:00");

        var first = SchedulePlanner.NextReminder(firstSent, reminders, firstSent, closes, zone, SendWindow.Default);
        var second = SchedulePlanner.NextReminder(firstSent, reminders, first!.Value, closes, zone, SendWindow.Default);

        Assert.Equal(At("2026-06-05T09:00:00-04:00"), first);
        Assert.Null(second);
    }

    [Fact]
    public void A_configured_protocol_overrides_only_what_it_names()
    {
        var options = new SchedulingOptions
        {
            Protocols =
            {
                ["Vertebroplasty"] = new()
                {
                    ["day3"] = new TimepointOptions { ClosesAfterDays = 7, RemindersAfterHours = [24, 48] },
                    ["month3"] = new TimepointOptions { Enabled = false },
                },
            },
        };
        var protocol = new ProtocolCatalog(Options.Create(options)).For(ProcedureTypes.Vertebroplasty);

        var day3 = protocol.Timepoints.Single(t => t.Timepoint == Timepoints.Day3);
        Assert.Equal((3, 7), (day3.DueAfterDays, day3.ClosesAfterDays));
        Assert.Equal([TimeSpan.FromHours(24), TimeSpan.FromHours(48)], day3.Reminders);
        Assert.Equal([Timepoints.Baseline, Timepoints.Day3, Timepoints.Month1], protocol.Timepoints.Select(t => t.Timepoint));
    }

    [Fact]
    public void A_protocol_naming_an_unknown_timepoint_is_refused_with_its_key()
    {
        var options = new SchedulingOptions { Protocols = { ["fixation"] = new() { ["week2"] = new TimepointOptions() } } };

        var error = Assert.Throws<InvalidOperationException>(() => new ProtocolCatalog(Options.Create(options)));

        Assert.Contains("PainPro:Scheduling:Protocols:fixation", error.Message);
        Assert.Contains("week2", error.Message);
    }

    private static Dictionary<string, PlannedSurvey> Plan(
        string zone, string performed, string now, bool clinicBaseline = true, string bodySite = "femur") =>
        SchedulePlanner.Plan(new ScheduleInput(Cementoplasty, bodySite, At(performed), clinicBaseline, Zone(zone), SendWindow.Default, At(now)))
            .ToDictionary(s => s.Timepoint);

    internal static DateTimeOffset At(string iso) =>
        OffsetDateTimePattern.ExtendedIso.Parse(iso).GetValueOrThrow().ToInstant().ToDateTimeOffset();

    internal static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];
}
