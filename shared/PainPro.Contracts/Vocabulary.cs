namespace PainPro.Contracts;

/// <summary>The words that travel in messages and the public API, in one place.</summary>
public static class Timepoints
{
    public const string Baseline = "baseline";
    public const string Day3 = "day3";
    public const string Month1 = "month1";
    public const string Month3 = "month3";

    /// <summary>Reporting order: baseline first, then the follow-ups.</summary>
    public static readonly IReadOnlyList<string> All = [Baseline, Day3, Month1, Month3];
}

public static class Channels
{
    public const string Sms = "sms";
    public const string Email = "email";
}

public static class InstrumentCodes
{
    public const string Vas = "vas";
    public const string Analgesic = "analgesic";
    public const string MstsLower = "msts-lower";
    public const string MstsUpper = "msts-upper";
}

public static class AlertSeverities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";

    public static int Rank(string severity) => severity switch
    {
        High => 3,
        Medium => 2,
        Low => 1,
        _ => 0,
    };
}

public static class AnalgesicChanges
{
    public const string Less = "less";
    public const string Same = "same";
    public const string More = "more";
}
