using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Contracts;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests;

/// <summary>Intake to first send to completion, on both databases: what every other service relies on.</summary>
public class ThinSliceTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_registered_procedure_is_enrolled_sent_on_day_3_and_completion_stops_its_reminder(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var performedAt = scheduling.Now.AddHours(-2);

        var created = await scheduling.Client.PostAsJsonAsync("/api/procedures", Procedures.Body("EHR-1", performedAt));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var enrollment = (await created.Content.ReadFromJsonAsync<EnrollmentView>(Json.Options))!;
        Assert.Equal(["day3", "month1", "month3"], enrollment.Surveys.Select(s => s.Timepoint));
        Assert.All(enrollment.Surveys, s => Assert.Equal("scheduled", s.Status));
        var announced = Assert.Single(await scheduling.OutboxAsync<EnrollmentCreated>());
        Assert.Equal((enrollment.EnrollmentId, enrollment.PatientId, "0123", 8), (announced.EnrollmentId, announced.PatientId, announced.MrnLast4, announced.BaselineVas));

        var day3 = enrollment.Surveys.Single(s => s.Timepoint == Timepoints.Day3);
        await scheduling.AdvanceToAsync(day3.SendAt);

        var due = Assert.Single(await scheduling.OutboxAsync<SurveyDue>());
        Assert.Equal((day3.SurveyId, 0, "sms", "+15551230001", 22), (due.SurveyId, due.Attempt, due.Channel, due.Contact.Phone, due.LinkToken.Length));
        Assert.Equal(["vas", "analgesic"], due.Instruments);
        Assert.Equal(day3.ClosesAt, due.ExpiresAt);
        var queued = await GetSurveyAsync(scheduling, enrollment.EnrollmentId, Timepoints.Day3);
        Assert.Equal(("queued", 1, (DateTimeOffset?)null), (queued.Status, queued.Attempts, queued.LastSentAt));
        await scheduling.ConfirmSentAsync(); // Messaging: the provider took it
        var sent = await GetSurveyAsync(scheduling, enrollment.EnrollmentId, Timepoints.Day3);
        Assert.Equal(("sent", 1), (sent.Status, sent.Attempts));
        Assert.NotNull(sent.LastSentAt);
        Assert.NotNull(sent.NextSendAt); // the 24 h reminder

        await scheduling.Host.Services.GetRequiredService<IBus>().Publish(
            new SurveyCompleted(day3.SurveyId, enrollment.EnrollmentId, Timepoints.Day3, scheduling.Now, 3, AnalgesicChanges.Less, null, null));
        await Eventually.TrueAsync(async () => (await GetSurveyAsync(scheduling, enrollment.EnrollmentId, Timepoints.Day3)).Status == "completed",
            "the day 3 survey to be completed");
        await scheduling.AdvanceToAsync(sent.NextSendAt!.Value.AddHours(1));

        Assert.Single(await scheduling.OutboxAsync<SurveyDue>());
        var completed = await GetSurveyAsync(scheduling, enrollment.EnrollmentId, Timepoints.Day3);
        Assert.Equal(("completed", 1, (DateTimeOffset?)null), (completed.Status, completed.Attempts, completed.NextSendAt));
    }

    private static async Task<SurveyView> GetSurveyAsync(SchedulingHost scheduling, Guid enrollmentId, string timepoint)
    {
        var view = await scheduling.Client.GetFromJsonAsync<EnrollmentView>($"/api/enrollments/{enrollmentId}", Json.Options);
        return view!.Surveys.Single(s => s.Timepoint == timepoint);
    }
}
