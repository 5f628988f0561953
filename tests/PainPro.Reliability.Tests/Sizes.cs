namespace PainPro.Reliability.Tests;

/// <summary>
/// How big the bursts, outages and loads are. The default ("smoke") sizes keep this project within its share of the
/// CI budget and still prove the same things; <c>PAINPRO_RELIABILITY_FULL=1</c> runs the sizes issue 9 names.
/// </summary>
public static class Sizes
{
    public static bool Full { get; } = Environment.GetEnvironmentVariable("PAINPRO_RELIABILITY_FULL") == "1";

    public static string Name => Full ? "full" : "smoke";

    /// <summary>Surveys dispatched while RabbitMQ goes down.</summary>
    public static int OutageSurveys => Full ? 2000 : 500;

    /// <summary>Patients replying (two texts each: pain, then analgesics) across the broker outage.</summary>
    public static int OutageReplies => Full ? 500 : 100;

    public static TimeSpan BrokerOutage => Full ? TimeSpan.FromSeconds(20) : TimeSpan.FromSeconds(10);

    /// <summary>Messaging's send rate in the fault runs: slow enough that a fault lands mid-batch.</summary>
    public static double FaultSendRatePerSecond => Full ? 50 : 25;

    /// <summary>Surveys in flight when Messaging is killed.</summary>
    public static int CrashSurveys => Full ? 1000 : 300;

    /// <summary>Surveys dispatched and patients replying while PostgreSQL restarts.</summary>
    public static int RestartSurveys => Full ? 1000 : 300;

    public static int RestartReplies => Full ? 300 : 100;

    /// <summary>Surveys sent through bursts of 500 and 429 from the Twilio double.</summary>
    public static int BurstSurveys => Full ? 1000 : 200;

    public static int BurstLength => Full ? 40 : 20;

    /// <summary>Signed webhook replies per second, and for how long.</summary>
    public static int LoadRatePerSecond => 1000;

    public static TimeSpan LoadDuration => Full ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(15);

    /// <summary>Random cases per property.</summary>
    public static int PropertyRuns => Full ? 5000 : 1000;

    /// <summary>Random HTTP requests per fuzzing property.</summary>
    public static int FuzzRuns => Full ? 1000 : 200;
}
