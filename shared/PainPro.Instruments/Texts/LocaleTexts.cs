using System.Globalization;
using PainPro.Contracts;

namespace PainPro.Instruments.Texts;

/// <summary>
/// The conversation's fixed texts in one language. Placeholders: <c>{care}</c> is the care line
/// (<see cref="LocaleTexts.CareLine"/>), <c>{link}</c> the form's address, <c>{reply}</c> how to answer the item
/// (<see cref="ReplyWith"/>, in which <c>{expected}</c> is the item's <see cref="ItemText.Expected"/>).
/// </summary>
internal sealed record ConversationWording(
    string RecordedFormat,
    string Thanks,
    string ContinueOnWeb,
    string NoOpenSurvey,
    string MessageNoted,
    string Help,
    string OptedOut,
    string OptedIn,
    string NotAnAnswer,
    string ReplyWith,
    string ReadLater,
    string CareLineWithPhone,
    string CareLineWithoutPhone,
    string UrgentCareNoteWithPhone,
    string UrgentCareNoteWithoutPhone);

/// <summary>All the texts of one language. Each language is one file of data; the shapes are built here so they agree.</summary>
internal sealed record LocaleTexts(
    string Locale,
    IReadOnlyDictionary<string, ItemText> Items,
    IReadOnlyDictionary<string, string> InstrumentTitles,
    ConversationWording Conversation,
    WebFormText WebForm)
{
    /// <summary>"A person will read your message, but not right away. To talk to your care team, call … In an emergency, call 911."</summary>
    public string CareLine(CareContact contact, bool readLater) =>
        (readLater ? Conversation.ReadLater + " " : "")
        + Fill(contact.CareTeamPhone is null ? Conversation.CareLineWithoutPhone : Conversation.CareLineWithPhone, contact);

    public string UrgentCareNote(CareContact contact) =>
        Fill(contact.CareTeamPhone is null ? Conversation.UrgentCareNoteWithoutPhone : Conversation.UrgentCareNoteWithPhone, contact);

    public string Thanks(CareContact contact) => Conversation.Thanks.Replace("{care}", CareLine(contact, readLater: false));

    public string ContinueOnWeb(string link) => Conversation.ContinueOnWeb.Replace("{link}", link);

    public string NoOpenSurvey(CareContact contact) => Conversation.NoOpenSurvey.Replace("{care}", CareLine(contact, readLater: true));

    public string MessageNoted(CareContact contact) => Conversation.MessageNoted.Replace("{care}", CareLine(contact, readLater: true));

    public string Help(CareContact contact) => Conversation.Help.Replace("{care}", CareLine(contact, readLater: false));

    public string NotAnAnswer(string itemCode, CareContact contact) => Conversation.NotAnAnswer
        .Replace("{reply}", ReplyWith(itemCode))
        .Replace("{care}", CareLine(contact, readLater: true));

    /// <summary>"Please reply with one number from 0 (no pain) to 10 (worst possible pain)."</summary>
    public string ReplyWith(string itemCode) => Conversation.ReplyWith.Replace("{expected}", Items[itemCode].Expected);

    /// <summary>"Got it: pain 7 out of 10."</summary>
    public string Recorded(string itemCode, int value)
    {
        var item = Items[itemCode];
        var anchor = item.AnchorFor(value) is { } label ? LowerFirst(label) : "";
        return Format(Conversation.RecordedFormat, Format(item.Recorded, value, anchor));
    }

    private static string Fill(string text, CareContact contact) =>
        text.Replace("{phone}", contact.CareTeamPhone ?? "").Replace("{emergency}", contact.EmergencyNumber);

    /// <summary>An anchor inside a sentence: "More pain medicine" → "more pain medicine"; "I accept it" keeps its capital.</summary>
    internal static string LowerFirst(string label) =>
        label.Length > 1 && char.IsUpper(label[0]) && !(label[0] == 'I' && label[1] == ' ')
            ? char.ToLower(label[0], CultureInfo.InvariantCulture) + label[1..]
            : label;

    public static string Format(string format, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, format, args);
}

/// <summary>The wording patterns of one language, from which the MSTS items are built.</summary>
/// <param name="InBetween">The label of the unanchored levels 4 and 2, on the web form.</param>
/// <param name="SmsPrompt">{0} question, {1}–{4} the anchors of 5, 3, 1 and 0.</param>
/// <param name="CompactSmsPrompt">
/// The same with fewer words around the anchors, for an item whose words are not all GSM-7 (UCS-2 fits 134 characters
/// in two segments, not 306): used only when the full prompt after <paramref name="RecordedSample"/> would need a third.
/// </param>
/// <param name="Expected">What an MSTS answer is, the end of "Please reply …".</param>
/// <param name="Recorded">How a recorded MSTS value is read back: {0} the value.</param>
/// <param name="RecordedSample">The read-back of the previous answer that precedes a prompt, e.g. "Got it: 5."</param>
internal sealed record MstsWording(string InBetween, string SmsPrompt, string CompactSmsPrompt, string Expected, string Recorded,
    string RecordedSample)
{
    /// <summary>An MSTS item: the published anchors at 5, 3, 1 and 0; the levels between them labelled as such.</summary>
    public KeyValuePair<string, ItemText> Item(string code, string title, string question, string five, string three, string one, string zero)
    {
        var anchors = new Dictionary<int, string>
        {
            [5] = five,
            [4] = InBetween,
            [3] = three,
            [2] = InBetween,
            [1] = one,
            [0] = zero,
        };
        string[] levels = [LocaleTexts.LowerFirst(five), LocaleTexts.LowerFirst(three), LocaleTexts.LowerFirst(one), LocaleTexts.LowerFirst(zero)];
        var prompt = LocaleTexts.Format(SmsPrompt, [question, .. levels]);
        if (SmsSegments.Count($"{RecordedSample} {prompt}").Segments > SmsSegments.ConversationBudget)
            prompt = LocaleTexts.Format(CompactSmsPrompt, [question, .. levels]);
        return new(code, new ItemText(question, anchors, prompt, Expected, title, Hint: null, Recorded));
    }
}

internal static class Locales
{
    private static readonly Dictionary<string, LocaleTexts> ByLocale = new(StringComparer.Ordinal)
    {
        [English.Texts.Locale] = English.Texts,
        [Spanish.Texts.Locale] = Spanish.Texts,
    };

    public static LocaleTexts For(string? locale) => ByLocale[InstrumentCatalog.ResolveLocale(locale)];

    public static IEnumerable<LocaleTexts> All => ByLocale.Values;

    public static IReadOnlyDictionary<string, string> Titles(
        string vas, string analgesic, string mstsLower, string mstsUpper) => new Dictionary<string, string>
    {
        [InstrumentCodes.Vas] = vas,
        [InstrumentCodes.Analgesic] = analgesic,
        [InstrumentCodes.MstsLower] = mstsLower,
        [InstrumentCodes.MstsUpper] = mstsUpper,
    };

    public static IReadOnlyDictionary<string, string> Timepoints(string baseline, string day3, string month1, string month3) =>
        new Dictionary<string, string>
        {
            [PainPro.Contracts.Timepoints.Baseline] = baseline,
            [PainPro.Contracts.Timepoints.Day3] = day3,
            [PainPro.Contracts.Timepoints.Month1] = month1,
            [PainPro.Contracts.Timepoints.Month3] = month3,
        };
}
