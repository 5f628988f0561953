using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Auditing;

/// <summary>Who did what to which patient's data, and when: views of answers and alerts, and changes to answers.</summary>
public static class AuditLog
{
    public const string ViewedAlert = "viewed-alert";
    public const string ViewedResponses = "viewed-responses";
    public const string EnteredResponses = "entered-responses";
    public const string ResubmittedForm = "resubmitted-form";
    public const string ViewedMessages = "viewed-messages";
    /// <summary>A patient stopped survey emails with an email's unsubscribe link.</summary>
    public const string UnsubscribedEmail = "unsubscribed-email";

    public static Task RecordAsync(DbSession session, string actor, string? via, string action,
        Guid? enrollmentId = null, Guid? surveyId = null, Guid? alertId = null, string? detail = null) =>
        session.ExecuteAsync("""
            INSERT INTO audit_log (id, at, actor, via, action, enrollment_id, survey_id, alert_id, detail)
            VALUES (@Id, @At, @actor, @via, @action, @enrollmentId, @surveyId, @alertId, @detail)
            """, new { Id = Guid.CreateVersion7(), At = session.Clock.GetUtcNow(), actor, via, action, enrollmentId, surveyId, alertId, detail });
}
