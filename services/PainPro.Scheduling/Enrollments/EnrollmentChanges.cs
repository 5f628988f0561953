using PainPro.Contracts;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.ChannelFallback;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.Enrollments;

public enum ChangeResult
{
    Changed,
    NotFound,
    /// <summary>The enrollment is cancelled: its schedule no longer changes.</summary>
    Cancelled,
    /// <summary>Nothing to do (cancelling an enrollment already cancelled).</summary>
    Unchanged,
}

/// <summary>A new procedure time and cancellation: the two ways an enrollment's schedule changes after intake.</summary>
public sealed class EnrollmentChanges(ProtocolCatalog protocols, SurveyLinkTokens tokens)
{
    /// <summary>Survey states a new procedure time may still rewrite: nothing has gone to the patient.</summary>
    private static readonly string[] Unsent = [SurveyStatuses.Scheduled, SurveyStatuses.Missed, SurveyStatuses.Cancelled];

    /// <summary>
    /// Recomputes the schedule for the new procedure time. Surveys not yet sent follow the new plan (scheduled, or
    /// missed when their window has already closed); sent, answered and expired ones stay as they are. An unsent
    /// survey that no longer applies (the baseline, once the procedure has happened) is cancelled.
    /// <see cref="EnrollmentRescheduled"/> is published, so Ingestion files outcomes under the new procedure time.
    /// </summary>
    public async Task<ChangeResult> RescheduleAsync(DbSession session, Guid enrollmentId, DateTimeOffset performedAt)
    {
        var enrollment = await LoadAsync(session, enrollmentId);
        if (enrollment is null) return ChangeResult.NotFound;
        if (enrollment.CancelledAt is not null) return ChangeResult.Cancelled;

        var now = session.Clock.GetUtcNow();
        var plan = SchedulePlanner.Plan(new ScheduleInput(
            protocols.For(enrollment.ProcedureType), enrollment.BodySite, performedAt,
            HasClinicBaseline: enrollment.BaselineVas is not null,
            TimeZones.Find(enrollment.TimeZone)!, new SendWindow(enrollment.WindowStart, enrollment.WindowEnd), now));

        var existing = (await session.QueryAsync<ExistingSurvey>(
            "SELECT id AS Id, timepoint AS Timepoint FROM surveys WHERE enrollment_id = @enrollmentId",
            new { enrollmentId })).ToDictionary(s => s.Timepoint);

        foreach (var survey in plan)
        {
            if (!existing.TryGetValue(survey.Timepoint, out var current))
            {
                await SurveyRows.InsertAsync(session, [(enrollmentId, enrollment.PreferredChannel, survey)], tokens);
                continue;
            }
            // The status guard also loses gracefully to a claim that sent the survey a moment ago.
            await session.ExecuteAsync(
                $"""
                UPDATE surveys SET due_at = @DueAt, send_at = @SendAt, closes_at = @ClosesAt, status = @Status,
                                   next_send_at = @NextSendAt, instruments = @Instruments, reminder_minutes = @ReminderMinutes
                WHERE id = @Id AND status IN {SqlDialect.Literals(Unsent)}
                """,
                new
                {
                    current.Id, survey.DueAt, survey.SendAt, survey.ClosesAt, survey.Status,
                    NextSendAt = survey.Status == SurveyStatuses.Scheduled ? survey.SendAt : (DateTimeOffset?)null,
                    Instruments = SurveyRows.JoinInstruments(survey.Instruments),
                    ReminderMinutes = SurveyRows.JoinReminders(survey.Reminders),
                });
        }

        var dropped = existing.Values.Where(s => plan.All(p => p.Timepoint != s.Timepoint)).Select(s => s.Id).ToArray();
        if (dropped.Length > 0)
            await session.ExecuteAsync(
                $"UPDATE surveys SET status = @cancelled, next_send_at = NULL WHERE {session.Dialect.InGuids("id", dropped)} AND status IN {SqlDialect.Literals(Unsent)}",
                new { cancelled = SurveyStatuses.Cancelled });

        await session.ExecuteAsync("UPDATE enrollments SET performed_at = @performedAt, updated_at = @now WHERE id = @enrollmentId",
            new { performedAt, now, enrollmentId });
        // New and revived surveys take the patient's current channel (or park if nothing reaches them).
        await PatientChannels.RerouteAsync(session, enrollment.PatientId);
        await session.PublishAsync(new EnrollmentRescheduled(enrollmentId, performedAt));
        return ChangeResult.Changed;
    }

    /// <summary>
    /// Cancels the enrollment (procedure cancelled, patient deceased, withdrew): every survey still open is cancelled,
    /// so nothing more is sent, and <see cref="EnrollmentCancelled"/> is published.
    /// </summary>
    public async Task<ChangeResult> CancelAsync(DbSession session, Guid enrollmentId, string reason)
    {
        var enrollment = await LoadAsync(session, enrollmentId);
        if (enrollment is null) return ChangeResult.NotFound;
        if (enrollment.CancelledAt is not null) return ChangeResult.Unchanged;

        var now = session.Clock.GetUtcNow();
        await session.ExecuteAsync(
            "UPDATE enrollments SET cancelled_at = @now, cancel_reason = @reason, updated_at = @now WHERE id = @enrollmentId",
            new { now, reason, enrollmentId });
        await session.ExecuteAsync(
            $"UPDATE surveys SET status = @cancelled, next_send_at = NULL WHERE enrollment_id = @enrollmentId AND status IN {SqlDialect.Literals(SurveyStatuses.Open)}",
            new { cancelled = SurveyStatuses.Cancelled, enrollmentId });
        await session.PublishAsync(new EnrollmentCancelled(enrollmentId, reason));
        return ChangeResult.Changed;
    }

    /// <summary>Loads the enrollment and, on PostgreSQL and SQL Server, locks it: changes to one enrollment run one at a time.</summary>
    private static Task<EnrollmentRow?> LoadAsync(DbSession session, Guid enrollmentId) =>
        session.QuerySingleOrDefaultAsync<EnrollmentRow>(
            $"""
            SELECT e.patient_id AS PatientId, e.procedure_type AS ProcedureType, e.body_site AS BodySite,
                   e.baseline_vas AS BaselineVas, e.time_zone AS TimeZone, e.send_window_start AS WindowStart,
                   e.send_window_end AS WindowEnd, e.cancelled_at AS CancelledAt, p.preferred_channel AS PreferredChannel
            FROM enrollments e{session.Dialect.LockHint} JOIN patients p ON p.id = e.patient_id
            WHERE e.id = @enrollmentId{(session.Dialect == SqlDialect.Postgres ? " FOR UPDATE OF e" : "")}
            """, new { enrollmentId });

    private sealed class EnrollmentRow
    {
        public Guid PatientId { get; init; }
        public string ProcedureType { get; init; } = "";
        public string BodySite { get; init; } = "";
        public int? BaselineVas { get; init; }
        public string TimeZone { get; init; } = "";
        public int WindowStart { get; init; }
        public int WindowEnd { get; init; }
        public DateTimeOffset? CancelledAt { get; init; }
        public string PreferredChannel { get; init; } = "";
    }

    private sealed class ExistingSurvey
    {
        public Guid Id { get; init; }
        public string Timepoint { get; init; } = "";
    }
}
