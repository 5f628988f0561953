using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.Patients;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.ChannelFallback;

/// <summary>SMS opt-out or an SMS delivery failure moves the remaining surveys to email, or leaves the patient unreachable.</summary>
public class ChannelFallbackTests
{
    private const string Phone = "+15551230001";

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_failed_SMS_is_sent_again_by_email_and_the_remaining_surveys_move_to_email(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var enrollment = await RegisterDay3DueNowAsync(scheduling, email: "ana@example.org");
        var day3 = await SentDay3Async(scheduling, enrollment);

        await scheduling.PublishAsync(new SurveyDeliveryFailed(day3.SurveyId, 0, Channels.Sms, DeliveryFailureReasons.Unreachable, "30003"));

        var moved = await Eventually.GetAsync(() => scheduling.GetEnrollmentAsync(enrollment.EnrollmentId),
            e => e.Surveys.All(s => s.Channel == Channels.Email), "the surveys to move to email");
        await scheduling.RunDueWorkAsync();
        var sends = await scheduling.OutboxAsync<SurveyDue>();
        Assert.Equal([(0, Channels.Sms), (1, Channels.Email)], sends.Select(s => (s.Attempt, s.Channel)));
        Assert.All(sends, s => Assert.Equal(day3.SurveyId, s.SurveyId));
        Assert.All(moved.Surveys.Where(s => s.Timepoint != Timepoints.Day3), s => Assert.NotNull(s.NextSendAt));
    }

    [Theory]
    [InlineData(DeliveryFailureReasons.SendInterrupted)]
    [InlineData(DeliveryFailureReasons.OutcomeUnknown)]
    public async Task An_SMS_that_may_have_arrived_is_not_sent_again_by_email(string reason)
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await RegisterDay3DueNowAsync(scheduling, email: "ana@example.org");
        var day3 = await SentDay3Async(scheduling, enrollment);

        await scheduling.PublishAsync(new SurveyDeliveryFailed(day3.SurveyId, 0, Channels.Sms, reason, null));
        // The inbox row says the failure was consumed; only then is "nothing changed" meaningful.
        await Eventually.TrueAsync(() => scheduling.Db.ReadAsync(c => Dapper.SqlMapper.ExecuteScalarAsync<bool>(c,
            "SELECT COUNT(*) > 0 FROM inbox WHERE consumer = 'SurveyDeliveryFailedConsumer'")), "the failure to be consumed");

        await scheduling.RunDueWorkAsync();
        var unchanged = await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId);
        Assert.All(unchanged.Surveys, s => Assert.Equal(Channels.Sms, s.Channel));
        Assert.Equal([0], (await scheduling.OutboxAsync<SurveyDue>()).Where(d => d.SurveyId == day3.SurveyId).Select(d => d.Attempt));
    }

    [Fact]
    public async Task A_failed_SMS_without_an_email_leaves_the_patient_unreachable_and_the_surveys_expire_unsent()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await RegisterDay3DueNowAsync(scheduling, email: null);
        var day3 = await SentDay3Async(scheduling, enrollment);

        await scheduling.PublishAsync(new SurveyDeliveryFailed(day3.SurveyId, 0, Channels.Sms, DeliveryFailureReasons.Unreachable, "30006"));

        await Eventually.TrueAsync(async () => !(await PatientAsync(scheduling, enrollment)).Reachable, "the patient to be unreachable");
        var parked = await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId);
        Assert.All(parked.Surveys, s => Assert.Null(s.NextSendAt));
        var month1 = parked.Surveys.Single(s => s.Timepoint == Timepoints.Month1);
        await scheduling.AdvanceToAsync(month1.ClosesAt);

        var after = await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId);
        Assert.Equal([SurveyStatuses.Expired, SurveyStatuses.Expired, SurveyStatuses.Scheduled], after.Surveys.Select(s => s.Status));
        Assert.Single(await scheduling.OutboxAsync<SurveyDue>());
        Assert.Equal(new[] { day3.SurveyId, month1.SurveyId }.Order(), (await scheduling.OutboxAsync<SurveyExpired>()).Select(e => e.SurveyId).Order());
        AssertNoPhoneInLogs(scheduling);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Opting_out_of_SMS_moves_surveys_to_email_and_opting_back_in_returns_them(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var withEmail = await scheduling.RegisterAsync(Procedures.Body("EHR-1", scheduling.Now.AddDays(-1), mrn: "111"));
        var phoneOnly = await scheduling.RegisterAsync(Procedures.Body("EHR-2", scheduling.Now.AddDays(-1), mrn: "222", email: null));

        await scheduling.PublishAsync(new PatientOptedOut(Phone, "STOP", scheduling.Now));

        var movedToEmail = await Eventually.GetAsync(() => scheduling.GetEnrollmentAsync(withEmail.EnrollmentId),
            e => e.Surveys.All(s => s.Channel == Channels.Email), "surveys of the patient with an email to move to email");
        var parked = await Eventually.GetAsync(() => scheduling.GetEnrollmentAsync(phoneOnly.EnrollmentId),
            e => e.Surveys.All(s => s.NextSendAt is null), "surveys of the phone-only patient to wait");
        Assert.All(movedToEmail.Surveys, s => Assert.NotNull(s.NextSendAt));
        Assert.False((await PatientAsync(scheduling, phoneOnly)).Reachable);

        await scheduling.PublishAsync(new PatientOptedIn(Phone, "START", scheduling.Now));

        var resumed = await Eventually.GetAsync(() => scheduling.GetEnrollmentAsync(phoneOnly.EnrollmentId),
            e => e.Surveys.All(s => s.NextSendAt is not null), "the phone-only patient's surveys to resume");
        Assert.Equal(phoneOnly.Surveys.Select(s => s.SendAt), resumed.Surveys.Select(s => s.NextSendAt!.Value));
        Assert.All((await scheduling.GetEnrollmentAsync(withEmail.EnrollmentId)).Surveys, s => Assert.Equal(Channels.Sms, s.Channel));
        AssertNoPhoneInLogs(scheduling);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Unsubscribing_from_email_moves_surveys_to_SMS_and_a_new_address_from_the_EHR_clears_it(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var byEmail = await scheduling.RegisterAsync(Procedures.Body("EHR-U1", scheduling.Now.AddDays(-1), mrn: "333", preferredChannel: "email"));
        var emailOnly = await scheduling.RegisterAsync(Procedures.Body("EHR-U2", scheduling.Now.AddDays(-1), mrn: "444", preferredChannel: "email", phone: null));
        Assert.All(byEmail.Surveys, s => Assert.Equal(Channels.Email, s.Channel));

        await scheduling.PublishAsync(new PatientUnsubscribed(byEmail.PatientId, Channels.Email, scheduling.Now));
        await scheduling.PublishAsync(new PatientUnsubscribed(emailOnly.PatientId, Channels.Email, scheduling.Now));
        await scheduling.PublishAsync(new PatientUnsubscribed(emailOnly.PatientId, Channels.Email, scheduling.Now.AddMinutes(1))); // again: no change

        var moved = await Eventually.GetAsync(() => scheduling.GetEnrollmentAsync(byEmail.EnrollmentId),
            e => e.Surveys.All(s => s.Channel == Channels.Sms), "the surveys of the patient with a phone to move to SMS");
        Assert.All(moved.Surveys, s => Assert.NotNull(s.NextSendAt));
        Assert.True((await PatientAsync(scheduling, byEmail)).EmailOptedOut);
        var parked = await Eventually.GetAsync(() => scheduling.GetEnrollmentAsync(emailOnly.EnrollmentId),
            e => e.Surveys.All(s => s.NextSendAt is null), "the surveys of the email-only patient to wait");
        var unreachable = await PatientAsync(scheduling, emailOnly);
        Assert.Equal((true, false), (unreachable.EmailOptedOut, unreachable.Reachable));

        // The EHR sends a new address: the unsubscribe was for the old one.
        await scheduling.RegisterAsync(Procedures.Body("EHR-U3", scheduling.Now.AddDays(-1), mrn: "444", preferredChannel: "email", phone: null,
            email: "new-address@example.org"));
        var back = await PatientAsync(scheduling, emailOnly);
        Assert.Equal((false, true), (back.EmailOptedOut, back.Reachable));
        Assert.Equal(parked.Surveys.Count, (await scheduling.GetEnrollmentAsync(emailOnly.EnrollmentId)).Surveys.Count);
    }

    /// <summary>Day 3 due now, in a zone where it is midday: the first claim sends it.</summary>
    private static Task<EnrollmentView> RegisterDay3DueNowAsync(SchedulingHost scheduling, string? email)
    {
        var zone = TestZones.WhereLocalHourIs(12, scheduling.Now);
        return scheduling.RegisterAsync(Procedures.Body("EHR-F", scheduling.Now.AddDays(-3).AddHours(-1), timeZone: zone.Id, email: email));
    }

    private static async Task<SurveyView> SentDay3Async(SchedulingHost scheduling, EnrollmentView enrollment)
    {
        await scheduling.RunDueWorkAsync();
        await scheduling.ConfirmSentAsync();
        var day3 = (await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId)).Surveys.Single(s => s.Timepoint == Timepoints.Day3);
        Assert.Equal((SurveyStatuses.Sent, Channels.Sms), (day3.Status, day3.Channel));
        return day3;
    }

    private static void AssertNoPhoneInLogs(SchedulingHost scheduling) =>
        Assert.DoesNotContain(scheduling.Host.Logs.Lines, line => line.Level >= LogLevel.Information && line.Message.Contains(Phone));

    private static async Task<PatientView> PatientAsync(SchedulingHost scheduling, EnrollmentView enrollment) =>
        (await scheduling.Client.GetFromJsonAsync<PatientView>($"/api/patients/{enrollment.PatientId}", Json.Options))!;
}
