namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// Sizes of the provider-fault rows (issue 14). CI ("smoke") sizes are small enough for the CI budget and prove the same
/// things; <c>PAINPRO_RELIABILITY_FULL=1</c> runs the numbers with production backoff and probe settings.
/// </summary>
public static class DeliveryFaultSizes
{
    private static bool Full => Sizes.Full;

    /// <summary>Surveys dispatching when Twilio starts answering 503, and for how long it does.</summary>
    public static int OutageSurveys => Full ? 500 : 150;
    public static TimeSpan Outage => Full ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(20);

    /// <summary>Surveys held while Twilio refuses our account (401/20003), then our From number (21606), each for this long.</summary>
    public static int RefusedSurveys => Full ? 200 : 60;
    public static TimeSpan RefusalPhase => Full ? TimeSpan.FromMinutes(2) : TimeSpan.FromSeconds(15);

    /// <summary>How often Messaging probes a refused sender in these runs (FaultCluster's 3 s, or production's 30 s).</summary>
    public static TimeSpan ProbeInterval => Full ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(3);

    /// <summary>Surveys due at 18:59 local in each of two zones (one with a half-hour offset), and Messaging's send rate for them.</summary>
    public static int QuietHoursSurveysPerZone => Full ? 1000 : 150;
    public static double QuietHoursRatePerSecond => Full ? 25 : 10;

    /// <summary>How long before 19:00 local the burst is claimed: the 18:59:30, or 18:59:40 to save CI time.</summary>
    public static TimeSpan QuietHoursLead => Full ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(20);

    /// <summary>
    /// Messaging settings of the full runs: production backoff and probing (the CI runs keep FaultCluster's short ones).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> MessagingSettings => Full
        ? new Dictionary<string, string?>
        {
            ["PainPro:Messaging:Delivery:MaxRetryDelay"] = "00:01:00",
            ["PainPro:Messaging:Delivery:ProbeInterval"] = "00:00:30",
        }
        : new Dictionary<string, string?>();
}
