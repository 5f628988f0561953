namespace PainPro.Instruments;

/// <summary>
/// What a patient reads for one item in one language.
/// </summary>
/// <param name="Question">The question as the web form shows it (the legend of the item's radio group).</param>
/// <param name="Anchors">
/// The label shown next to each value that has one: VAS 0 and 10; analgesic 1, 2, 3; MSTS every level
/// (the published anchors at 5, 3, 1 and 0, "between" wording at 4 and 2).
/// </param>
/// <param name="SmsPrompt">The question as one text message, including how to answer it.</param>
/// <param name="Expected">What a valid answer is, e.g. "one whole number from 0 to 10".</param>
/// <param name="Title">A short name for the item (headings, staff screens), e.g. "Pain", "Supports".</param>
public sealed record ItemText(
    string Question,
    IReadOnlyDictionary<int, string> Anchors,
    string SmsPrompt,
    string Expected,
    string Title)
{
    /// <summary>The anchor label of a value, or null when the value has none (VAS 1–9).</summary>
    public string? AnchorFor(int value) => Anchors.TryGetValue(value, out var anchor) ? anchor : null;
}

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
    string UrgentCareNote);
