using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Scheduling.SurveyReports;

/// <summary>
/// The provider took a survey's text or email: the survey reads <c>sent</c> (attempt 0) or <c>reminded</c>,
/// <c>lastSentAt</c> is when it really left, and its reminders count from the first real send — a text deferred from
/// 18:59 to 09:00 gets its 24-hour reminder at 09:00 the next day, not at 18:59. Reports come late, twice and out of
/// order: only the latest attempt moves the status, and only from <c>queued</c> or <c>deferred</c> (a failure reported
/// after the send, or a completed survey, stays as it is); <c>lastSentAt</c> never moves backwards.
/// </summary>
public sealed class SurveySentConsumer(SchedulingDb db, ILogger<SurveySentConsumer> logger) : BatchInboxConsumer<SurveySent>(db, logger)
{
    protected override async Task HandleAsync(SurveySent message, DbSession session, CancellationToken ct)
    {
        var survey = await session.QuerySingleOrDefaultAsync<SentSurveyRow>(
            $"""
            SELECT s.status AS Status, s.attempts AS Attempts, s.first_sent_at AS FirstSentAt, s.closes_at AS ClosesAt,
                   s.reminder_minutes AS ReminderMinutes, s.next_send_at AS NextSendAt, e.time_zone AS TimeZone,
                   e.send_window_start AS WindowStart, e.send_window_end AS WindowEnd
            FROM surveys s{session.Dialect.LockHint} JOIN enrollments e ON e.id = s.enrollment_id
            WHERE s.id = @SurveyId{(session.Dialect == SqlDialect.Postgres ? " FOR UPDATE OF s" : "")}
            """, new { message.SurveyId });
        if (survey is null)
        {
            logger.LogWarning("SurveySent for unknown survey {SurveyId} ignored", message.SurveyId);
            return;
        }

        var firstSentAt = survey.FirstSentAt ?? message.SentAt;
        var settlesLatest = survey.Attempts == message.Attempt + 1 && SurveyStatuses.AwaitingProvider.Contains(survey.Status);
        var nextSendAt = survey.NextSendAt;
        // A parked survey (nothing reaches the patient) stays parked; a planned reminder is planned again from the real send.
        if (settlesLatest && nextSendAt is not null)
            nextSendAt = SchedulePlanner.NextReminder(firstSentAt, SurveyRows.SplitReminders(survey.ReminderMinutes), message.SentAt,
                survey.ClosesAt, TimeZones.Find(survey.TimeZone)!, new SendWindow(survey.WindowStart, survey.WindowEnd));

        await session.ExecuteAsync(
            """
            UPDATE surveys
            SET first_sent_at = @firstSentAt,
                last_sent_at = CASE WHEN last_sent_at IS NULL OR last_sent_at < @SentAt THEN @SentAt ELSE last_sent_at END,
                status = CASE WHEN @settlesLatest = 1 THEN @status ELSE status END,
                next_send_at = @nextSendAt,
                delivery_reason = CASE WHEN @settlesLatest = 1 THEN NULL ELSE delivery_reason END,
                delivery_error_code = CASE WHEN @settlesLatest = 1 THEN NULL ELSE delivery_error_code END,
                next_attempt_at = CASE WHEN @settlesLatest = 1 THEN NULL ELSE next_attempt_at END,
                delivery_reported_at = CASE WHEN @settlesLatest = 1 THEN @SentAt ELSE delivery_reported_at END
            WHERE id = @SurveyId
            """,
            new
            {
                // 1 or 0: SQL Server has no boolean parameters to test.
                message.SurveyId, message.SentAt, firstSentAt, settlesLatest = settlesLatest ? 1 : 0, nextSendAt,
                status = message.Attempt == 0 ? SurveyStatuses.Sent : SurveyStatuses.Reminded,
            });
    }

    private sealed class SentSurveyRow
    {
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public DateTimeOffset? FirstSentAt { get; init; }
        public DateTimeOffset ClosesAt { get; init; }
        public string ReminderMinutes { get; init; } = "";
        public DateTimeOffset? NextSendAt { get; init; }
        public string TimeZone { get; init; } = "";
        public int WindowStart { get; init; }
        public int WindowEnd { get; init; }
    }
}

/// <summary>
/// Messaging could not send a survey's text yet and keeps it: the survey reads <c>deferred</c>, with the reason and the
/// next attempt. Only for the latest attempt still with Messaging, and only a newer report than the one shown: a late
/// deferral never undoes a <c>sent</c>, and an older one never overwrites a newer.
/// </summary>
public sealed class SurveyDeferredConsumer(SchedulingDb db, ILogger<SurveyDeferredConsumer> logger) : BatchInboxConsumer<SurveyDeferred>(db, logger)
{
    protected override async Task HandleAsync(SurveyDeferred message, DbSession session, CancellationToken ct)
    {
        var updated = await session.ExecuteAsync(
            $"""
            UPDATE surveys
            SET status = @deferred, delivery_reason = @Reason, delivery_error_code = @ProviderErrorCode,
                next_attempt_at = @NextAttemptAt, delivery_reported_at = @DeferredAt
            WHERE id = @SurveyId AND attempts = @Attempt + 1 AND status IN {SqlDialect.Literals(SurveyStatuses.AwaitingProvider)}
              AND (delivery_reported_at IS NULL OR delivery_reported_at < @DeferredAt)
            """,
            new { deferred = SurveyStatuses.Deferred, message.Reason, message.ProviderErrorCode, message.NextAttemptAt, message.DeferredAt, message.SurveyId, message.Attempt });
        if (updated == 0)
            logger.LogDebug("SurveyDeferred for survey {SurveyId} attempt {Attempt} is older than what the survey shows; ignored", message.SurveyId, message.Attempt);
    }
}
