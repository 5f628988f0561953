using System.Net;
using System.Net.Http.Json;
using PainPro.Contracts;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Enrollments;

public class EnrollmentChangeTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_procedure_time_reschedules_only_the_surveys_not_yet_sent(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var zone = TestZones.WhereLocalHourIs(12, scheduling.Now);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-R", scheduling.Now.AddDays(-3).AddHours(-1), timeZone: zone.Id));
        await scheduling.RunDueWorkAsync(); // day 3 goes out now
        var newTime = scheduling.Now.AddDays(-2);
        newTime = newTime.AddTicks(-(newTime.Ticks % TimeSpan.TicksPerSecond)); // PostgreSQL keeps microseconds, not ticks

        var response = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}", new { performedAt = newTime });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rescheduled = (await response.Content.ReadFromJsonAsync<EnrollmentView>(Json.Options))!;
        var before = enrollment.Surveys.ToDictionary(s => s.Timepoint);
        var after = rescheduled.Surveys.ToDictionary(s => s.Timepoint);
        Assert.Equal(newTime, rescheduled.Procedure.PerformedAt);
        Assert.Equal((SurveyStatuses.Queued, before[Timepoints.Day3].DueAt), (after[Timepoints.Day3].Status, after[Timepoints.Day3].DueAt));
        Assert.Equal(newTime.AddDays(30), after[Timepoints.Month1].DueAt);
        Assert.Equal(after[Timepoints.Month1].SendAt, after[Timepoints.Month1].NextSendAt);
        Assert.Equal(before[Timepoints.Month1].SurveyId, after[Timepoints.Month1].SurveyId);
    }

    [Fact]
    public async Task A_new_procedure_time_is_announced_through_the_outbox()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-A", scheduling.Now.AddDays(-1)));
        var newTime = new DateTimeOffset(scheduling.Now.AddDays(-2).UtcDateTime.Date.AddHours(15), TimeSpan.Zero);

        var response = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}", new { performedAt = newTime });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var announced = Assert.Single(await scheduling.OutboxAsync<EnrollmentRescheduled>());
        Assert.Equal((enrollment.EnrollmentId, newTime), (announced.EnrollmentId, announced.PerformedAt));
    }

    [Fact]
    public async Task Moving_the_procedure_long_into_the_past_marks_windows_already_closed_as_missed()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-M", scheduling.Now.AddDays(-1)));

        var response = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}", new { performedAt = scheduling.Now.AddDays(-45) });

        var after = (await response.Content.ReadFromJsonAsync<EnrollmentView>(Json.Options))!.Surveys;
        Assert.Equal([SurveyStatuses.Missed, SurveyStatuses.Missed, SurveyStatuses.Scheduled], after.Select(s => s.Status));
        Assert.Equal([null, null], after.Take(2).Select(s => s.NextSendAt));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Cancelling_stops_every_open_survey_and_announces_it_once(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var zone = TestZones.WhereLocalHourIs(12, scheduling.Now);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-C", scheduling.Now.AddDays(-3).AddHours(-1), timeZone: zone.Id));
        await scheduling.RunDueWorkAsync();

        var cancelled = await scheduling.Client.PostAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}/cancel", new { reason = "patient-deceased" });
        var again = await scheduling.Client.PostAsync($"/api/enrollments/{enrollment.EnrollmentId}/cancel", null);
        var reschedule = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}", new { performedAt = scheduling.Now });
        await scheduling.AdvanceAsync(TimeSpan.FromDays(120));

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, reschedule.StatusCode);
        var view = await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId);
        Assert.Equal((EnrollmentStatuses.Cancelled, "patient-deceased"), (view.Status, view.CancelReason));
        Assert.All(view.Surveys, s => Assert.Equal((SurveyStatuses.Cancelled, (DateTimeOffset?)null), (s.Status, s.NextSendAt)));
        Assert.Equal(("patient-deceased", enrollment.EnrollmentId), Assert.Single(await scheduling.OutboxAsync<EnrollmentCancelled>()) is var c ? (c.Reason, c.EnrollmentId) : default);
        Assert.Single(await scheduling.OutboxAsync<SurveyDue>());
        Assert.Empty(await scheduling.OutboxAsync<SurveyExpired>());
        Assert.Empty(await scheduling.OutboxAsync<EnrollmentRescheduled>());
    }

    [Fact]
    public async Task Changes_to_an_unknown_enrollment_or_with_a_bad_time_are_refused_clearly()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-U", scheduling.Now.AddDays(-1)));

        var unknown = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{Guid.NewGuid()}", new { performedAt = scheduling.Now });
        var noOffset = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}", new { performedAt = "2026-11-20T10:00:00" });
        var missing = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}", new { });
        var cancelUnknown = await scheduling.Client.PostAsync($"/api/enrollments/{Guid.NewGuid()}/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noOffset.StatusCode);
        Assert.Contains("performedAt", await noOffset.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancelUnknown.StatusCode);
    }
}
