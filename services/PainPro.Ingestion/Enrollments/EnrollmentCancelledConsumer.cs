using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion.Enrollments;

/// <summary>
/// The procedure was cancelled, the patient withdrew or died: open surveys stop taking answers at once rather than
/// at window close, so no text or form answer is recorded (or alerted on) for an enrollment nobody follows any more.
/// Answers already given stay, with their history.
/// </summary>
public sealed class EnrollmentCancelledConsumer(IngestionDb db) : InboxConsumer<EnrollmentCancelled>(db)
{
    protected override Task HandleAsync(EnrollmentCancelled message, DbSession session, CancellationToken ct) => ApplyAsync(message, session);

    /// <summary>The effect of one message, inside the caller's transaction.</summary>
    internal Task ApplyAsync(EnrollmentCancelled message, DbSession session) =>
        session.ExecuteAsync(
            "UPDATE surveys SET status = 'expired', expired_at = @now WHERE enrollment_id = @EnrollmentId AND status = 'open'",
            new { now = session.Clock.GetUtcNow(), message.EnrollmentId });
}
