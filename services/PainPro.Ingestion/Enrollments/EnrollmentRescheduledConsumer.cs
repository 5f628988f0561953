using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion.Enrollments;

/// <summary>
/// The procedure happened at another time than first registered: outcomes and alert statistics filter on the
/// procedure time, so the enrollment follows it.
/// </summary>
public sealed class EnrollmentRescheduledConsumer(IngestionDb db) : InboxConsumer<EnrollmentRescheduled>(db)
{
    protected override Task HandleAsync(EnrollmentRescheduled message, DbSession session, CancellationToken ct) => ApplyAsync(message, session);

    /// <summary>The effect of one message, inside the caller's transaction.</summary>
    internal async Task ApplyAsync(EnrollmentRescheduled message, DbSession session)
    {
        var updated = await session.ExecuteAsync(
            "UPDATE enrollments SET performed_at = @PerformedAt WHERE id = @EnrollmentId",
            new { message.PerformedAt, message.EnrollmentId });
        // Overtook its EnrollmentCreated (another queue): failing leaves the inbox open, so the bus's retry applies it
        // once the enrollment is here instead of the original procedure time silently winning.
        if (updated == 0)
            throw new InvalidOperationException($"Enrollment {message.EnrollmentId} is not known yet; its new procedure time cannot be applied.");
    }
}
