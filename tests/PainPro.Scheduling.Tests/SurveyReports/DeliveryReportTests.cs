using System.Net.Http.Json;
using Dapper;
using PainPro.Contracts;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.Patients;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.SurveyReports;

/// <summary>
/// The schedule tells the truth about delivery: a claimed survey is <c>queued</c>, <c>deferred</c> while Messaging holds
/// its text (with the reason and the next attempt), <c>sent</c> only once the provider took it — whatever order, and
/// however often, Messaging's reports arrive. Only a fault of the patient's phone moves the patient to email.
/// </summary>
public class DeliveryReportTests
{
    private static Task<EnrollmentView> RegisterDay3DueNowAsync(SchedulingHost scheduling, int localHour = 12, string? email = "ana@example.org")
    {
        var zone = TestZones.WhereLocalHourIs(localHour, scheduling.Now);
        return scheduling.RegisterAsync(Procedures.Body("EHR-D", scheduling.Now.AddDays(-3).AddHours(-1), timeZone: zone.Id, email: email));
    }

    /// <summary>PostgreSQL keeps microseconds, .NET ticks: compare instants the database can hold exactly.</summary>
    private static DateTimeOffset WholeSeconds(DateTimeOffset t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));

    private static async Task<SurveyView> Day3Async(SchedulingHost scheduling, EnrollmentView enrollment) =>
        (await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId)).Surveys.Single(s => s.Timepoint == Timepoints.Day3);

    private static async Task<SurveyView> ClaimedDay3Async(SchedulingHost scheduling, EnrollmentView enrollment)
    {
        await scheduling.RunDueWorkAsync();
        var day3 = await Day3Async(scheduling, enrollment);
        Assert.Equal((SurveyStatuses.Queued, 1, (DateTimeOffset?)null), (day3.Status, day3.Attempts, day3.LastSentAt));
        return day3;
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_deferred_survey_shows_why_and_when_and_reads_sent_only_when_the_provider_took_it(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var enrollment = await RegisterDay3DueNowAsync(scheduling);
        var day3 = await ClaimedDay3Async(scheduling, enrollment);
        var now = WholeSeconds(scheduling.Now);

        await scheduling.PublishAsync(new SurveyDeferred(day3.SurveyId, 0, Channels.Sms, DeliveryDeferralReasons.SenderFault, now.AddSeconds(30), now, "20003"));
        await scheduling.WaitForConsumedAsync("SurveyDeferredConsumer");
        var deferred = await Day3Async(scheduling, enrollment);
        await scheduling.PublishAsync(new SurveySent(day3.SurveyId, 0, Channels.Sms, "SM1", now.AddMinutes(3)));
        await scheduling.WaitForConsumedAsync("SurveySentConsumer");
        // Late: a deferral reported after the send must not undo it.
        await scheduling.PublishAsync(new SurveyDeferred(day3.SurveyId, 0, Channels.Sms, DeliveryDeferralReasons.ProviderUnavailable, now.AddMinutes(2), now.AddMinutes(1)));
        await scheduling.WaitForConsumedAsync("SurveyDeferredConsumer", 2);
        var sent = await Day3Async(scheduling, enrollment);

        Assert.Equal((SurveyStatuses.Deferred, DeliveryDeferralReasons.SenderFault, "20003", now.AddSeconds(30)),
            (deferred.Status, deferred.DeliveryReason, deferred.DeliveryErrorCode, deferred.NextAttemptAt));
        Assert.Null(deferred.LastSentAt);
        Assert.Equal((SurveyStatuses.Sent, now.AddMinutes(3), (string?)null, (DateTimeOffset?)null),
            (sent.Status, sent.LastSentAt, sent.DeliveryReason, sent.NextAttemptAt));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_newest_deferral_is_shown_whatever_order_the_reports_arrive_in_and_a_repeat_changes_nothing(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var enrollment = await RegisterDay3DueNowAsync(scheduling);
        var day3 = await ClaimedDay3Async(scheduling, enrollment);
        var now = WholeSeconds(scheduling.Now);
        var newer = new SurveyDeferred(day3.SurveyId, 0, Channels.Sms, DeliveryDeferralReasons.QuietHours, now.AddHours(14), now.AddSeconds(20));
        var older = new SurveyDeferred(day3.SurveyId, 0, Channels.Sms, DeliveryDeferralReasons.ProviderUnavailable, now.AddSeconds(4), now.AddSeconds(2));

        var messageId = Guid.NewGuid();
        await scheduling.PublishAsync(newer, messageId);
        await scheduling.PublishAsync(newer, messageId);
        await scheduling.PublishAsync(older);
        await scheduling.WaitForConsumedAsync("SurveyDeferredConsumer", 2);

        var shown = await Day3Async(scheduling, enrollment);
        Assert.Equal((SurveyStatuses.Deferred, DeliveryDeferralReasons.QuietHours, now.AddHours(14)), (shown.Status, shown.DeliveryReason, shown.NextAttemptAt));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reminders_count_from_the_real_send_and_wait_while_the_first_text_is_held(string provider)
    {
        // 18:59 local: Messaging defers the text to 09:00 tomorrow; the 24 h reminder counts from then, not from tonight.
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var zone = TestZones.WhereLocalHourIs(18, scheduling.Now);
        var enrollment = await scheduling.RegisterAsync(Procedures.Body("EHR-R", scheduling.Now.AddDays(-3).AddMinutes(-10), timeZone: zone.Id));
        var day3 = await ClaimedDay3Async(scheduling, enrollment);
        var plannedAtClaim = day3.NextSendAt!.Value;
        var morning = new SendWindow(9 * 60, 19 * 60).NextOpening(scheduling.Now.AddHours(2), TimeZones.Find(zone.Id)!);
        await scheduling.PublishAsync(new SurveyDeferred(day3.SurveyId, 0, Channels.Sms, DeliveryDeferralReasons.QuietHours, morning, scheduling.Now));
        await scheduling.WaitForConsumedAsync("SurveyDeferredConsumer");

        await scheduling.AdvanceToAsync(plannedAtClaim); // the reminder planned at the claim is due …
        var remindersWhileHeld = (await scheduling.OutboxAsync<SurveyDue>()).Count(d => d.Attempt == 1);
        await scheduling.PublishAsync(new SurveySent(day3.SurveyId, 0, Channels.Sms, "SM1", morning));
        await scheduling.WaitForConsumedAsync("SurveySentConsumer");
        var sent = await Day3Async(scheduling, enrollment);

        Assert.Equal(0, remindersWhileHeld); // … but waits: the first text has not left
        Assert.Equal((SurveyStatuses.Sent, morning), (sent.Status, sent.LastSentAt));
        Assert.Equal(morning.AddHours(24), sent.NextSendAt);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_late_report_of_an_older_attempt_never_moves_the_newer_one(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var enrollment = await RegisterDay3DueNowAsync(scheduling);
        var day3 = await ClaimedDay3Async(scheduling, enrollment);
        await scheduling.ConfirmSentAsync();
        await scheduling.AdvanceToAsync((await Day3Async(scheduling, enrollment)).NextSendAt!.Value); // the reminder is claimed
        var firstSentAt = (await Day3Async(scheduling, enrollment)).LastSentAt!.Value;

        await scheduling.PublishAsync(new SurveySent(day3.SurveyId, 0, Channels.Sms, "SM-again", firstSentAt));
        await scheduling.PublishAsync(new SurveyDeferred(day3.SurveyId, 0, Channels.Sms, DeliveryDeferralReasons.QuietHours, scheduling.Now.AddHours(1), scheduling.Now));
        await scheduling.PublishAsync(new SurveyDeliveryFailed(day3.SurveyId, 0, Channels.Sms, DeliveryFailureReasons.Unreachable, "30003"));
        await scheduling.WaitForConsumedAsync("SurveyDeliveryFailedConsumer");
        await scheduling.WaitForConsumedAsync("SurveyDeferredConsumer");
        await scheduling.WaitForConsumedAsync("SurveySentConsumer", 2);

        var reminder = await Day3Async(scheduling, enrollment);
        Assert.Equal((SurveyStatuses.Queued, 2, (string?)null), (reminder.Status, reminder.Attempts, reminder.DeliveryReason));
        Assert.Equal(firstSentAt, reminder.LastSentAt);
        // The phone's fault still counts (the patient moves to email), but the old attempt is not sent again: the reminder is under way.
        await scheduling.RunDueWorkAsync();
        Assert.Equal([(0, Channels.Sms), (1, Channels.Sms)], (await scheduling.OutboxAsync<SurveyDue>()).Select(d => (d.Attempt, d.Channel)));
    }

    [Theory]
    [InlineData(DeliveryFailureReasons.ProviderUnavailable, null)]
    [InlineData(DeliveryFailureReasons.SenderFault, "30002")]
    [InlineData(DeliveryFailureReasons.Expired, null)]
    [InlineData(DeliveryFailureReasons.NoContact, null)]
    [InlineData(DeliveryFailureReasons.DeliveryFailed, "30007")]
    [InlineData(DeliveryFailureReasons.DeliveryFailed, "30008")]
    [InlineData(DeliveryFailureReasons.ProviderRejected, "21617")]
    public async Task A_failure_that_is_not_the_patients_phone_moves_nobody_to_email(string reason, string? code)
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await RegisterDay3DueNowAsync(scheduling);
        var day3 = await ClaimedDay3Async(scheduling, enrollment);

        await scheduling.PublishAsync(new SurveyDeliveryFailed(day3.SurveyId, 0, Channels.Sms, reason, code));
        await scheduling.WaitForConsumedAsync("SurveyDeliveryFailedConsumer");

        var after = await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId);
        Assert.All(after.Surveys, s => Assert.Equal(Channels.Sms, s.Channel));
        var shown = after.Surveys.Single(s => s.Timepoint == Timepoints.Day3);
        Assert.Equal((SurveyStatuses.Undelivered, reason, code), (shown.Status, shown.DeliveryReason, shown.DeliveryErrorCode));
        Assert.Null(await scheduling.Db.ReadAsync(c => c.ExecuteScalarAsync<string?>("SELECT sms_failed_at FROM patients")));
        Assert.True((await scheduling.Client.GetFromJsonAsync<PatientView>($"/api/patients/{enrollment.PatientId}", Json.Options))!.Reachable);
    }

    [Theory]
    [InlineData(DeliveryFailureReasons.InvalidNumber, "21211")]
    [InlineData(DeliveryFailureReasons.InvalidNumber, "21614")]
    [InlineData(DeliveryFailureReasons.Unreachable, "21612")]
    [InlineData(DeliveryFailureReasons.Unreachable, "30005")]
    [InlineData(DeliveryFailureReasons.OptedOut, "21610")]
    public async Task A_fault_of_the_patients_phone_moves_that_patient_to_email_and_sends_the_survey_there(string reason, string code)
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var enrollment = await RegisterDay3DueNowAsync(scheduling);
        var day3 = await ClaimedDay3Async(scheduling, enrollment);

        await scheduling.PublishAsync(new SurveyDeliveryFailed(day3.SurveyId, 0, Channels.Sms, reason, code));
        await scheduling.WaitForConsumedAsync("SurveyDeliveryFailedConsumer");
        await scheduling.RunDueWorkAsync();

        Assert.All((await scheduling.GetEnrollmentAsync(enrollment.EnrollmentId)).Surveys, s => Assert.Equal(Channels.Email, s.Channel));
        Assert.Equal([(0, Channels.Sms), (1, Channels.Email)],
            (await scheduling.OutboxAsync<SurveyDue>()).Select(d => (d.Attempt, d.Channel)));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_text_our_account_lost_after_the_provider_took_it_goes_again_by_text(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var enrollment = await RegisterDay3DueNowAsync(scheduling);
        var day3 = await ClaimedDay3Async(scheduling, enrollment);
        await scheduling.ConfirmSentAsync();

        await scheduling.PublishAsync(new SurveyDeliveryFailed(day3.SurveyId, 0, Channels.Sms, DeliveryFailureReasons.SenderFault, "30001"));
        await scheduling.WaitForConsumedAsync("SurveyDeliveryFailedConsumer");
        await scheduling.RunDueWorkAsync();

        Assert.Equal([(0, Channels.Sms), (1, Channels.Sms)], (await scheduling.OutboxAsync<SurveyDue>()).Select(d => (d.Attempt, d.Channel)));
    }
}
