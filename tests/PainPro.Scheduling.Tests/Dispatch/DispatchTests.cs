using PainPro.Contracts;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Dispatch;

public class DispatchTests
{
    [Fact]
    public async Task A_survey_found_due_at_night_after_a_clock_jump_waits_for_the_morning()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var zone = TestZones.WhereLocalHourIs(12, scheduling.Now);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-N", scheduling.Now, timeZone: zone.Id));
        var day3 = enrollment.Surveys.Single(s => s.Timepoint == Timepoints.Day3);

        // Jump to 22:00 local on day 3: the send is overdue, but it is night there.
        await scheduling.AdvanceToAsync(day3.SendAt.AddHours(10));

        Assert.Empty(await scheduling.OutboxAsync<SurveyDue>());
        var waiting = (await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId)).Surveys.Single(s => s.Timepoint == Timepoints.Day3);
        Assert.Equal(SurveyStatuses.Scheduled, waiting.Status);
        Assert.Equal(9, NodaTime.Instant.FromDateTimeOffset(waiting.NextSendAt!.Value).InZone(zone).Hour);

        await scheduling.AdvanceToAsync(waiting.NextSendAt.Value);

        Assert.Equal(day3.SurveyId, Assert.Single(await scheduling.OutboxAsync<SurveyDue>()).SurveyId);
    }

    [Fact]
    public async Task A_survey_whose_window_closed_while_nobody_ran_the_loop_expires_instead_of_being_sent_late()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-L", scheduling.Now));
        var day3 = enrollment.Surveys.Single(s => s.Timepoint == Timepoints.Day3);

        await scheduling.AdvanceToAsync(day3.ClosesAt.AddHours(1));

        Assert.Empty(await scheduling.OutboxAsync<SurveyDue>());
        Assert.Equal(day3.SurveyId, Assert.Single(await scheduling.OutboxAsync<SurveyExpired>()).SurveyId);
        var expired = (await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId)).Surveys.Single(s => s.Timepoint == Timepoints.Day3);
        Assert.Equal((SurveyStatuses.Expired, 0), (expired.Status, expired.Attempts));
    }
}
