using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.Dispatch;

/// <summary>
/// The claim loop (DESIGN §7, "the database is the schedule, a loop is the clock"): takes a batch of surveys whose
/// next send is due and publishes a <see cref="SurveyDue"/> for each (attempt 0, then reminders), in the same
/// transaction that records the send and schedules the next one.
/// </summary>
/// <remarks>
/// Claim, publish and status change commit together, so the row locks taken by <c>FOR UPDATE SKIP LOCKED</c> are
/// the lease: while one replica holds a batch the others skip it, and if that replica dies its transaction rolls
/// back and the batch is simply due again. A separate lease column would only be needed if claiming and publishing
/// were split across transactions, which would also split the outbox write from the status change. On SQLite the
/// transaction holds the single write lock, so one writer dispatches at a time.
/// </remarks>
public sealed class SurveyDispatcher(SchedulingDb db, IOptions<SchedulingOptions> options, ILogger<SurveyDispatcher> logger) : IDueWork
{
    public string Name => "scheduling: send due surveys";

    private string ClaimSql =>
        $"""
        WITH claimed AS (
            SELECT id FROM surveys
            WHERE next_send_at <= @now AND closes_at > @now
            ORDER BY next_send_at
            LIMIT @batch{db.Dialect.ForUpdateSkipLocked}
        )
        SELECT s.id AS SurveyId, s.enrollment_id AS EnrollmentId, e.patient_id AS PatientId, s.timepoint AS Timepoint,
               s.instruments AS Instruments, s.channel AS Channel, s.attempts AS Attempts, s.first_sent_at AS FirstSentAt,
               s.closes_at AS ClosesAt, s.reminder_minutes AS ReminderMinutes, s.link_token AS LinkToken,
               e.time_zone AS TimeZone, e.send_window_start AS WindowStart, e.send_window_end AS WindowEnd,
               p.given_name AS GivenName, p.phone AS Phone, p.email AS Email, p.locale AS Locale
        FROM claimed c
        JOIN surveys s ON s.id = c.id
        JOIN enrollments e ON e.id = s.enrollment_id
        JOIN patients p ON p.id = e.patient_id
        """;

    public Task<int> RunDueAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var due = (await session.QueryAsync<DueSurvey>(ClaimSql, new { now, batch = options.Value.ClaimBatchSize })).ToList();
        var sent = 0;
        foreach (var survey in due)
            if (await DispatchAsync(session, survey, now)) sent++;
        if (due.Count > 0) logger.LogInformation("Dispatched {Sent} due surveys ({Deferred} deferred to the send window)", sent, due.Count - sent);
        return due.Count;
    }, ct);

    /// <summary>Publishes one survey, or moves it to the next opening when the patient's local time is outside the window.</summary>
    private static async Task<bool> DispatchAsync(DbSession session, DueSurvey survey, DateTimeOffset now)
    {
        var zone = TimeZones.Find(survey.TimeZone)!;
        var window = new SendWindow(survey.WindowStart, survey.WindowEnd);

        // The loop can run late (a paused host, a dev clock jump of days): never text a patient at night because of it.
        var opening = window.NextOpening(now, zone);
        if (opening > now)
        {
            await session.ExecuteAsync("UPDATE surveys SET next_send_at = @next WHERE id = @SurveyId",
                new { survey.SurveyId, next = opening < survey.ClosesAt ? opening : (DateTimeOffset?)null });
            return false;
        }

        await session.PublishAsync(new SurveyDue(
            survey.SurveyId, survey.EnrollmentId, survey.PatientId, survey.Timepoint,
            SurveyRows.SplitInstruments(survey.Instruments), survey.Channel,
            new Contact(survey.GivenName, survey.Phone, survey.Email), survey.Locale, survey.TimeZone,
            survey.LinkToken, survey.ClosesAt, survey.Attempts));

        var next = SchedulePlanner.NextReminder(
            survey.FirstSentAt ?? now, SurveyRows.SplitReminders(survey.ReminderMinutes), now, survey.ClosesAt, zone, window);
        await session.ExecuteAsync(
            """
            UPDATE surveys SET status = @status, attempts = attempts + 1, first_sent_at = COALESCE(first_sent_at, @now),
                               last_sent_at = @now, next_send_at = @next
            WHERE id = @SurveyId
            """,
            new { survey.SurveyId, status = survey.Attempts == 0 ? SurveyStatuses.Sent : SurveyStatuses.Reminded, now, next });
        return true;
    }

    private sealed class DueSurvey
    {
        public Guid SurveyId { get; init; }
        public Guid EnrollmentId { get; init; }
        public Guid PatientId { get; init; }
        public string Timepoint { get; init; } = "";
        public string Instruments { get; init; } = "";
        public string Channel { get; init; } = "";
        public int Attempts { get; init; }
        public DateTimeOffset? FirstSentAt { get; init; }
        public DateTimeOffset ClosesAt { get; init; }
        public string ReminderMinutes { get; init; } = "";
        public string LinkToken { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public int WindowStart { get; init; }
        public int WindowEnd { get; init; }
        public string GivenName { get; init; } = "";
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public string Locale { get; init; } = "en";
    }
}
