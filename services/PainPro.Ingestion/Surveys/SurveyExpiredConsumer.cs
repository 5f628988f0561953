using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion.Surveys;

/// <summary>
/// The window closed: the survey stops taking patients' answers, and if it got no answer at all the
/// enrollment's alert gets <c>no-response</c> (low). A partly answered survey just closes.
/// </summary>
public sealed class SurveyExpiredConsumer(IngestionDb db, AlertBook alerts) : InboxConsumer<SurveyExpired>(db)
{
    protected override Task HandleAsync(SurveyExpired message, DbSession session, CancellationToken ct) => ApplyAsync(message, session);

    /// <summary>The effect of one message, inside the caller's transaction.</summary>
    internal async Task ApplyAsync(SurveyExpired message, DbSession session)
    {
        var now = session.Clock.GetUtcNow();
        await session.ExecuteAsync(
            "UPDATE surveys SET status = 'expired', expired_at = @now WHERE id = @SurveyId AND status = 'open'",
            new { now, message.SurveyId });

        var answers = await session.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM responses WHERE survey_id = @SurveyId", new { message.SurveyId });
        if (answers > 0) return;

        var patientId = await session.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT patient_id FROM surveys WHERE id = @SurveyId", new { message.SurveyId })
            ?? await session.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT patient_id FROM enrollments WHERE id = @EnrollmentId", new { message.EnrollmentId });
        if (patientId is null)
            throw new InvalidOperationException(
                $"Survey {message.SurveyId} expired but neither it nor enrollment {message.EnrollmentId} is known here yet; retrying.");

        await alerts.ApplyAsync(session, new AlertEvidence(message.EnrollmentId, patientId.Value, message.SurveyId,
            message.Timepoint, ConsensusClass: null, AlertRules.NoAnswer(message.Timepoint)));
    }
}
