using System.Net;
using System.Net.Http.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using PainPro.Contracts;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests;

/// <summary>
/// Done-when 4: one enrollment lived through under the simulated clock: the baseline cancelled by a reschedule, day 3
/// completed on time, month 1 completed after a reminder, month 3 expired after its reminders. Messaging's part is
/// played by the test: each claimed send is confirmed with <c>SurveySent</c>, as the provider taking it would.
/// </summary>
public class LifecycleTests
{
    [Fact]
    public async Task One_enrollment_through_baseline_day_3_month_1_and_month_3_under_the_simulated_clock()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        // A zone where it is about 03:00 now: the baseline waits for 09:00, so a reschedule can still cancel it.
        var zone = TestZones.WhereLocalHourIs(3, scheduling.Now);
        var enrollment = await scheduling.RegisterAsync(
            Procedures.Body("EHR-LIFE", scheduling.Now.AddHours(12), timeZone: zone.Id, baselineVas: null));
        Assert.Equal(SurveyStatuses.Scheduled, Survey(enrollment, Timepoints.Baseline).Status);

        // The procedure happened earlier than booked: no "before" is left to ask about.
        var rescheduled = await scheduling.Client.PatchAsJsonAsync($"/api/enrollments/{enrollment.EnrollmentId}",
            new { performedAt = scheduling.Now.AddHours(-1) });
        Assert.Equal(HttpStatusCode.OK, rescheduled.StatusCode);
        enrollment = (await rescheduled.Content.ReadFromJsonAsync<EnrollmentView>(Json.Options))!;
        Assert.Equal(SurveyStatuses.Cancelled, Survey(enrollment, Timepoints.Baseline).Status);

        // Day 3: sent, answered the same day; its 24 h reminder never goes.
        var day3 = Survey(enrollment, Timepoints.Day3);
        await scheduling.AdvanceToAsync(day3.SendAt);
        Assert.Equal(SurveyStatuses.Queued, StatusOf(await GetAsync(scheduling, enrollment), Timepoints.Day3));
        await scheduling.ConfirmSentAsync();
        Assert.Equal(SurveyStatuses.Sent, StatusOf(await GetAsync(scheduling, enrollment), Timepoints.Day3));
        await CompleteAsync(scheduling, enrollment, day3);
        await scheduling.AdvanceToAsync(day3.SendAt.AddHours(30));

        // Month 1: sent, not answered, reminded after 48 h, then answered.
        var month1 = Survey(await GetAsync(scheduling, enrollment), Timepoints.Month1);
        await scheduling.AdvanceToAsync(month1.SendAt);
        await scheduling.ConfirmSentAsync();
        var firstReminder = Survey(await GetAsync(scheduling, enrollment), Timepoints.Month1).NextSendAt!.Value;
        await scheduling.AdvanceToAsync(firstReminder);
        await scheduling.ConfirmSentAsync();
        Assert.Equal(SurveyStatuses.Reminded, StatusOf(await GetAsync(scheduling, enrollment), Timepoints.Month1));
        await CompleteAsync(scheduling, enrollment, month1);

        // Month 3: sent, reminded twice, never answered: expired at window close.
        var month3 = Survey(await GetAsync(scheduling, enrollment), Timepoints.Month3);
        await scheduling.AdvanceToAsync(month3.SendAt);
        await scheduling.ConfirmSentAsync();
        while (Survey(await GetAsync(scheduling, enrollment), Timepoints.Month3).NextSendAt is { } next)
        {
            await scheduling.AdvanceToAsync(next);
            await scheduling.ConfirmSentAsync();
        }
        await scheduling.AdvanceToAsync(month3.ClosesAt);

        var final = await GetAsync(scheduling, enrollment);
        Assert.Equal(
            [
                (Timepoints.Baseline, SurveyStatuses.Cancelled, 0),
                (Timepoints.Day3, SurveyStatuses.Completed, 1),
                (Timepoints.Month1, SurveyStatuses.Completed, 2),
                (Timepoints.Month3, SurveyStatuses.Expired, 3),
            ],
            final.Surveys.Select(s => (s.Timepoint, s.Status, s.Attempts)).OrderBy(s => Timepoints.All.ToList().IndexOf(s.Timepoint)));
        Assert.Equal(EnrollmentStatuses.Completed, final.Status);
        Assert.Equal(month3.SurveyId, Assert.Single(await scheduling.OutboxAsync<SurveyExpired>()).SurveyId);

        var sends = await SendsAsync(scheduling);
        Assert.Equal([(day3.SurveyId, 0), (month1.SurveyId, 0), (month1.SurveyId, 1), (month3.SurveyId, 0), (month3.SurveyId, 1), (month3.SurveyId, 2)],
            sends.Select(s => (s.Message.SurveyId, s.Message.Attempt)));
        Assert.All(sends, s => Assert.InRange(Instant.FromDateTimeOffset(s.At).InZone(zone).Hour, 9, 18));
    }

    private static SurveyView Survey(EnrollmentView enrollment, string timepoint) => enrollment.Surveys.Single(s => s.Timepoint == timepoint);

    private static string StatusOf(EnrollmentView enrollment, string timepoint) => Survey(enrollment, timepoint).Status;

    private static async Task<EnrollmentView> GetAsync(SchedulingHost scheduling, EnrollmentView enrollment) =>
        (await scheduling.Client.GetFromJsonAsync<EnrollmentView>($"/api/enrollments/{enrollment.EnrollmentId}", Json.Options))!;

    /// <summary>The patient answers: Ingestion would publish this.</summary>
    private static async Task CompleteAsync(SchedulingHost scheduling, EnrollmentView enrollment, SurveyView survey)
    {
        await scheduling.Host.Services.GetRequiredService<IBus>().Publish(new SurveyCompleted(
            survey.SurveyId, enrollment.EnrollmentId, survey.Timepoint, scheduling.Now, 2, AnalgesicChanges.Less, null, null));
        await Eventually.TrueAsync(async () => StatusOf(await GetAsync(scheduling, enrollment), survey.Timepoint) == SurveyStatuses.Completed,
            $"{survey.Timepoint} to be completed");
    }

    private static async Task<List<(SurveyDue Message, DateTimeOffset At)>> SendsAsync(SchedulingHost scheduling)
    {
        var rows = await scheduling.Db.ReadAsync(c => c.QueryAsync<(string Body, string CreatedAt)>(
            "SELECT body, created_at FROM outbox WHERE message_type = 'PainPro.Contracts.SurveyDue' ORDER BY id"));
        return rows.Select(r => (System.Text.Json.JsonSerializer.Deserialize<SurveyDue>(r.Body, Json.Options)!, DateTimeOffset.Parse(r.CreatedAt))).ToList();
    }
}
