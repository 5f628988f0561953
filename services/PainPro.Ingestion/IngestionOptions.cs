using Microsoft.Extensions.Options;

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

    /// <summary>How long a high alert may stay unacknowledged before it is escalated (<c>04:00:00</c>).</summary>
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromHours(4);

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
    /// How long a text from a number with no open survey waits for one to open (<c>00:05:00</c>).
    /// The wait covers Ingestion receiving its <c>SurveyDue</c> after Messaging sent the text (no order between the two):
    /// milliseconds normally, seconds under a dispatch burst, a minute or two over a rolling restart or a broker
    /// reconnect. Past it the patient is told no questionnaire is waiting, a few minutes late at worst.
    /// </summary>
    public TimeSpan EarlyReplyHold { get; set; } = TimeSpan.FromMinutes(5);
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

/// <summary>Refuses start-up on settings that cannot work, naming the key.</summary>
internal sealed class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var errors = new List<string>();
        if (options.Alerts.EscalateAfter <= TimeSpan.Zero)
            errors.Add($"{IngestionOptions.Section}:Alerts:EscalateAfter must be a positive duration such as 04:00:00.");
        if (options.Alerts.AcknowledgeMediumWithin <= TimeSpan.Zero || options.Alerts.AcknowledgeLowWithin <= TimeSpan.Zero)
            errors.Add($"{IngestionOptions.Section}:Alerts:AcknowledgeMediumWithin and AcknowledgeLowWithin must be positive durations such as 1.00:00:00.");
        if (options.Sms.EarlyReplyHold <= TimeSpan.Zero)
            errors.Add($"{IngestionOptions.Section}:Sms:EarlyReplyHold must be a positive duration such as 00:05:00.");
        if (options.Alerts.AcknowledgeMediumWithin <= TimeSpan.Zero || options.Alerts.AcknowledgeLowWithin <= TimeSpan.Zero)
            errors.Add($"{IngestionOptions.Section}:Alerts:AcknowledgeMediumWithin and AcknowledgeLowWithin must be positive durations such as 1.00:00:00.");
        if (options.SurveyLinks.FailedLookupsPerMinute <= 0)
            errors.Add($"{IngestionOptions.Section}:SurveyLinks:FailedLookupsPerMinute must be positive.");
        if (options.SurveyLinks.FailedLookupsPerMinuteTotal <= 0)
            errors.Add($"{IngestionOptions.Section}:SurveyLinks:FailedLookupsPerMinuteTotal must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
