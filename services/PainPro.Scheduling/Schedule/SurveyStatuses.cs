namespace PainPro.Scheduling.Schedule;

/// <summary>
/// The life of one survey, as <c>GET /api/enrollments/{id}</c> shows it. Sending follows what the provider took, not
/// what was asked of Messaging: a claimed send is <see cref="Queued"/> until Messaging reports it sent, deferred or failed.
/// </summary>
public static class SurveyStatuses
{
    /// <summary>Waiting for its first send.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>A send (first or reminder) was handed to Messaging; no word back yet.</summary>
    public const string Queued = "queued";

    /// <summary>Messaging could not send it yet (quiet hours, provider unavailable, our sender refused): it waits there, with a next attempt.</summary>
    public const string Deferred = "deferred";

    /// <summary>The provider took the first send (<c>SurveySent</c>).</summary>
    public const string Sent = "sent";

    /// <summary>The provider took a reminder.</summary>
    public const string Reminded = "reminded";

    /// <summary>The latest send failed (the reason is shown); it may go again on another channel, and reminders still go.</summary>
    public const string Undelivered = "undelivered";

    public const string Completed = "completed";
    /// <summary>The window closed without an answer (<c>SurveyExpired</c> was published).</summary>
    public const string Expired = "expired";
    /// <summary>The window had closed before the survey could be sent (late enrollment or reschedule); never sent.</summary>
    public const string Missed = "missed";
    public const string Cancelled = "cancelled";

    /// <summary>Still open: may be sent, reminded, answered or expire. (The order is the expiry index's, migration 0002.)</summary>
    public static readonly IReadOnlyList<string> Open = [Scheduled, Queued, Deferred, Sent, Reminded, Undelivered];

    /// <summary>A send is with Messaging and not settled: the next one waits for it, so a reminder never overtakes its first send.</summary>
    public static readonly IReadOnlyList<string> AwaitingProvider = [Queued, Deferred];

    public static bool IsOpen(string status) => Open.Contains(status);
}
