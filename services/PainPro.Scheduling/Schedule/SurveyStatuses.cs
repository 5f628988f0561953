namespace PainPro.Scheduling.Schedule;

/// <summary>The life of one survey, as <c>GET /api/enrollments/{id}</c> shows it.</summary>
public static class SurveyStatuses
{
    /// <summary>Waiting for its first send.</summary>
    public const string Scheduled = "scheduled";
    public const string Sent = "sent";
    public const string Reminded = "reminded";
    public const string Completed = "completed";
    /// <summary>The window closed without an answer (<c>SurveyExpired</c> was published).</summary>
    public const string Expired = "expired";
    /// <summary>The window had closed before the survey could be sent (late enrollment or reschedule); never sent.</summary>
    public const string Missed = "missed";
    public const string Cancelled = "cancelled";

    /// <summary>Still open: may be sent, reminded, answered or expire.</summary>
    public static readonly IReadOnlyList<string> Open = [Scheduled, Sent, Reminded];

    public static bool IsOpen(string status) => Open.Contains(status);
}
