namespace PainPro.Instruments;

/// <summary>
/// What a patient reads for one item in one language. The same question and anchors are used in every channel:
/// the web form shows <see cref="Question"/> with the <see cref="Anchors"/> as labels, the text conversation sends
/// <see cref="SmsPrompt"/>, which is built from the same words.
/// </summary>
/// <param name="Question">The question as the web form shows it (the legend of the item's radio group).</param>
/// <param name="Anchors">
/// The label shown next to each value that has one: VAS 0 and 10; analgesic 1, 2, 3; MSTS every level
/// (the published anchors at 5, 3, 1 and 0, "in between" wording at 4 and 2).
/// </param>
/// <param name="SmsPrompt">The question as one text message, including how to answer it; it names no item title.</param>
/// <param name="Expected">What a valid answer is, as the end of "Please reply …", e.g. "with one number from 0 (no pain) to 10 …".</param>
/// <param name="Title">A short name for the item (headings, staff screens), e.g. "Pain", "Supports". Never sent by text.</param>
/// <param name="Hint">Guidance shown under the question on the web form (and part of the SMS prompt), or null.</param>
/// <param name="Recorded">How a recorded value is read back to the patient: {0} the value, {1} its anchor, e.g. "pain {0} out of 10".</param>
public sealed record ItemText(
    string Question,
    IReadOnlyDictionary<int, string> Anchors,
    string SmsPrompt,
    string Expected,
    string Title,
    string? Hint,
    string Recorded)
{
    /// <summary>The anchor label of a value, or null when the value has none (VAS 1–9).</summary>
    public string? AnchorFor(int value) => Anchors.TryGetValue(value, out var anchor) ? anchor : null;
}

/// <summary>
/// How a patient reaches a person at their facility: its care team's phone (null when none is configured) and the
/// emergency number. Every text that says "call your care team" names the number.
/// </summary>
public sealed record CareContact(string? CareTeamPhone, string EmergencyNumber)
{
    public const string DefaultEmergencyNumber = "911";

    /// <summary>No care-team phone configured; the US emergency number.</summary>
    public static CareContact Unconfigured { get; } = new(null, DefaultEmergencyNumber);
}

/// <summary>One bar of the pain chart on the thank-you page: a timepoint's label and its pain, 0–10.</summary>
public sealed record PainPoint(string Timepoint, int Pain);

/// <summary>The fixed texts of the web survey form (<c>/s/{token}</c>) in one language.</summary>
public sealed record WebFormText(
    string Locale,
    string Title,
    string Intro,
    string Submit,
    string ErrorSummaryTitle,
    string AnswerRequired,
    string AnswerInvalid,
    string ThanksTitle,
    string ThanksBody,
    string UpdatedTitle,
    string UpdatedBody,
    string ExpiredTitle,
    string ExpiredBody,
    string UnknownTitle,
    string UnknownBody,
    string TooManyRequestsTitle,
    string TooManyRequestsBody,
    string ChartTitle,
    string ChartIntro,
    string ChartPointFormat,
    string ChartNoBaseline,
    IReadOnlyDictionary<string, string> TimepointLabels)
{
    /// <summary>A timepoint as a patient reads it ("Before your procedure", "Day 3" …).</summary>
    public string TimepointLabel(string timepoint) => TimepointLabels.TryGetValue(timepoint, out var label) ? label : timepoint;
}
