using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Scheduling.Dispatch;
using PainPro.Scheduling.Schedule;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Dispatch;

/// <summary>
/// One claim batch holding every kind of due survey (first send, reminder, last reminder, deferral, deferral past the
/// window's close, and sends still with Messaging): the set-based writes must give each row exactly what it would get
/// alone, on both dialects.
/// </summary>
public class ClaimBatchTests
{
    // 12:00 in Etc/GMT: inside 09:00–19:00, before a 13:00–19:00 window opens.
    private static readonly DateTimeOffset Now = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);
    private const int NineToSeven = 9 * 60, SevenPm = 19 * 60, OnePm = 13 * 60;

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sends_reminders_and_deferrals_in_one_batch_each_get_their_own_next_send(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SchedulingDb>(provider, new FixedClock(Now));
        var firstSend = await SeedAsync(test.Db, windowStart: NineToSeven, attempts: 0, firstSentAt: null, reminders: "1440", closesAt: Now.AddDays(2));
        var reminder = await SeedAsync(test.Db, windowStart: NineToSeven, attempts: 1, firstSentAt: Now.AddDays(-2), reminders: "2880,5760", closesAt: Now.AddDays(5));
        var lastReminder = await SeedAsync(test.Db, windowStart: NineToSeven, attempts: 2, firstSentAt: Now.AddDays(-4), reminders: "2880,5760", closesAt: Now.AddDays(5));
        var deferred = await SeedAsync(test.Db, windowStart: OnePm, attempts: 0, firstSentAt: null, reminders: "1440", closesAt: Now.AddDays(2));
        var closesFirst = await SeedAsync(test.Db, windowStart: OnePm, attempts: 0, firstSentAt: null, reminders: "1440", closesAt: Now.AddMinutes(30));
        // Their reminder is due, but the send before it has not left Messaging yet: a reminder never overtakes it.
        var queued = await SeedAsync(test.Db, windowStart: NineToSeven, attempts: 1, firstSentAt: null, reminders: "2880", closesAt: Now.AddDays(5), status: SurveyStatuses.Queued);
        var deferredByMessaging = await SeedAsync(test.Db, windowStart: NineToSeven, attempts: 1, firstSentAt: null, reminders: "2880", closesAt: Now.AddDays(5), status: SurveyStatuses.Deferred);
        var dispatcher = new DueSurveyClaim(test.Db, Options.Create(new SchedulingOptions()), new SurveyLinkTokens(new EphemeralDataProtectionProvider()), NullLogger<DueSurveyClaim>.Instance);

        Assert.Equal(5, await dispatcher.RunDueAsync(CancellationToken.None));
        Assert.Equal(0, await dispatcher.RunDueAsync(CancellationToken.None));

        var sent = await test.OutboxAsync<SurveyDue>();
        Assert.Equal(new[] { (firstSend, 0), (reminder, 1), (lastReminder, 2) }.Order(), sent.Select(m => (m.SurveyId, m.Attempt)).Order());
        Assert.All(sent, m => Assert.Equal((NineToSeven, SevenPm), (m.SendWindowStartMinute, m.SendWindowEndMinute)));
        var rows = (await test.Db.ReadAsync(c => c.QueryAsync<SurveyState>(
            """
            SELECT id AS Id, status AS Status, attempts AS Attempts, first_sent_at AS FirstSentAt,
                   last_sent_at AS LastSentAt, next_send_at AS NextSendAt
            FROM surveys
            """))).ToDictionary(r => r.Id);
        // Queued until Messaging says the provider took them: the sent times are not theirs to set.
        Assert.Equal(new SurveyState(firstSend, SurveyStatuses.Queued, 1, null, null, Now.AddDays(1)), rows[firstSend]);
        Assert.Equal(new SurveyState(reminder, SurveyStatuses.Queued, 2, Now.AddDays(-2), Now.AddDays(-2), Now.AddDays(2)), rows[reminder]);
        Assert.Equal(new SurveyState(lastReminder, SurveyStatuses.Queued, 3, Now.AddDays(-4), Now.AddDays(-4), null), rows[lastReminder]);
        Assert.Equal(new SurveyState(deferred, SurveyStatuses.Scheduled, 0, null, null, Now.AddHours(1)), rows[deferred]);
        Assert.Equal(new SurveyState(closesFirst, SurveyStatuses.Scheduled, 0, null, null, null), rows[closesFirst]);
        Assert.Equal(new SurveyState(queued, SurveyStatuses.Queued, 1, null, null, Now.AddMinutes(-1)), rows[queued]);
        Assert.Equal(new SurveyState(deferredByMessaging, SurveyStatuses.Deferred, 1, null, null, Now.AddMinutes(-1)), rows[deferredByMessaging]);
    }

    /// <summary>A survey due a minute ago, of its own patient and enrollment in Etc/GMT; returns its id.</summary>
    private static async Task<Guid> SeedAsync(SchedulingDb db, int windowStart, int attempts, DateTimeOffset? firstSentAt, string reminders,
        DateTimeOffset closesAt, string? status = null)
    {
        var (patientId, enrollmentId, surveyId) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var due = Now.AddMinutes(-1);
        await db.InTransactionAsync(async s =>
        {
            await s.ExecuteAsync(
                """
                INSERT INTO patients (id, mrn, given_name, family_name, phone, preferred_channel, locale, time_zone, created_at, updated_at)
                VALUES (@patientId, @mrn, 'Ana', 'Ruiz', '+15551230001', 'sms', 'en', 'Etc/GMT', @now, @now)
                """, new { patientId, mrn = patientId.ToString(), now = Now });
            await s.ExecuteAsync(
                """
                INSERT INTO enrollments (id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at, facility,
                                         time_zone, send_window_start, send_window_end, created_at, updated_at)
                VALUES (@enrollmentId, @externalId, 'seed', @patientId, 'cementoplasty', 'femur', @performed, 'Main',
                        'Etc/GMT', @windowStart, @windowEnd, @now, @now)
                """, new { enrollmentId, externalId = enrollmentId.ToString(), patientId, performed = Now.AddDays(-30), windowStart, windowEnd = SevenPm, now = Now });
            await s.ExecuteAsync(
                """
                INSERT INTO surveys (id, enrollment_id, timepoint, instruments, channel, due_at, send_at, closes_at, reminder_minutes,
                                     status, attempts, first_sent_at, last_sent_at, next_send_at, link_token_protected)
                VALUES (@surveyId, @enrollmentId, 'month1', 'vas,analgesic', 'sms', @due, @due, @closesAt, @reminders,
                        @status, @attempts, @firstSentAt, @firstSentAt, @due, @token)
                """,
                new
                {
                    surveyId, enrollmentId, due, closesAt, reminders, attempts, firstSentAt, token = surveyId.ToString(),
                    status = status ?? (attempts == 0 ? SurveyStatuses.Scheduled : SurveyStatuses.Sent),
                });
        });
        return surveyId;
    }

    private sealed record SurveyState(Guid Id, string Status, int Attempts, DateTimeOffset? FirstSentAt, DateTimeOffset? LastSentAt, DateTimeOffset? NextSendAt)
    {
        // Dapper materializes through the parameterless constructor and init setters, on both dialects' column types.
        private SurveyState() : this(Guid.Empty, "", 0, null, null, null) { }
    }
}
