using System.Xml;

namespace PainPro.Ingestion;

/// <summary>Everything under <c>PainPro:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    public const string Section = "PainPro:Ingestion";

    public AlertThresholds Alerts { get; set; } = new();

    public SmsOptions Sms { get; set; } = new();

    public SurveyLinkOptions SurveyLinks { get; set; } = new();

    public Outcomes.ExtractOptions Extract { get; set; } = new();
}

/// <summary>The alert rules' thresholds (DESIGN §6). Configuration, not code.</summary>
public sealed class AlertThresholds
{
    /// <summary><c>pain-progression</c>: this answer at least this much above baseline.</summary>
    public int Progression { get; set; } = 2;

    /// <summary><c>no-relief</c>: only from this pain level up…</summary>
    public int NoReliefMin { get; set; } = 4;

    /// <summary>…and the reduction from baseline that counts as a response (IMMPACT, bone-metastasis consensus).</summary>
    public int ResponseReduction { get; set; } = 2;

    /// <summary><c>rebound</c>: this answer at least this much above the previous post-procedure answer.</summary>
    public int Rebound { get; set; } = 2;

    /// <summary><c>severe-pain</c>: this answer at or above.</summary>
    public int Severe { get; set; } = 8;

    /// <summary><c>function-decline</c>: MSTS total fell at least this much from month 1 to month 3.</summary>
    public int FunctionDecline { get; set; } = 5;

    /// <summary>How long a high alert may stay unacknowledged before it is escalated: ISO 8601 (<c>PT4H</c>) or <c>hh:mm:ss</c>.</summary>
    public string EscalateAfter { get; set; } = "PT4H";

    public TimeSpan EscalationDelay => Durations.Parse(EscalateAfter);

    /// <summary>How soon a medium alert should be acknowledged (the worklist's target; a high alert's is <see cref="EscalateAfter"/>).</summary>
    public TimeSpan AcknowledgeMediumWithin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How soon a low alert should be acknowledged.</summary>
    public TimeSpan AcknowledgeLowWithin { get; set; } = TimeSpan.FromHours(72);
}

public sealed class SmsOptions
{
    /// <summary>
    /// Ask the MSTS items by text too. Off by default (DESIGN §5): the text conversation asks VAS and the
    /// analgesic change, then points to the web form for MSTS.
    /// </summary>
    public bool AskMstsByText { get; set; }

    /// <summary>
    /// How long a text from a number with no open survey waits for one to open (ISO 8601, <c>PT5M</c>, or <c>hh:mm:ss</c>).
    /// The wait covers Ingestion receiving its <c>SurveyDue</c> after Messaging sent the text (no order between the two):
    /// milliseconds normally, seconds under a dispatch burst, a minute or two over a rolling restart or a broker
    /// reconnect. Past it the patient is told no questionnaire is waiting, a few minutes late at worst.
    /// </summary>
    public string EarlyReplyHold { get; set; } = "PT5M";

    public TimeSpan EarlyReplyHoldTime => Durations.Parse(EarlyReplyHold);
}

public sealed class SurveyLinkOptions
{
    /// <summary>Unknown links one client address may try per minute before its further unknown links get 429.</summary>
    public int FailedLookupsPerMinute { get; set; } = 10;

    /// <summary>
    /// Unknown links all clients together may try per minute before every further unknown link gets 429: guessing
    /// spread over many addresses (a botnet, a carrier's address pool) is slowed too. A valid link is never refused.
    /// </summary>
    public int FailedLookupsPerMinuteTotal { get; set; } = 300;
}

internal static class Durations
{
    /// <summary>Reads ISO 8601 durations (<c>PT4H</c>) as well as .NET's <c>04:00:00</c>.</summary>
    public static TimeSpan Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('P') || trimmed.StartsWith('p'))
            return XmlConvert.ToTimeSpan(trimmed.ToUpperInvariant());
        return TimeSpan.Parse(trimmed, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        try { duration = Parse(text); return duration > TimeSpan.Zero; }
        catch (FormatException) { return false; }
        catch (OverflowException) { return false; }
    }
}
