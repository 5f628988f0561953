using System.Globalization;
using PainPro.Contracts;

namespace PainPro.Instruments.Texts;

/// <summary>All the texts of one language. Each language is one file of data; the shapes are built here so they agree.</summary>
internal sealed record LocaleTexts(
    string Locale,
    IReadOnlyDictionary<string, ItemText> Items,
    IReadOnlyDictionary<string, string> InstrumentTitles,
    string Thanks,
    string ContinueOnWebFormat,
    string NoOpenSurvey,
    string Help,
    string OptedOut,
    string OptedIn,
    string NotAnAnswerFormat,
    WebFormText WebForm)
{
    public string ContinueOnWeb(string link) => Format(ContinueOnWebFormat, link);

    public string NotAnAnswer(string itemCode) => Format(NotAnAnswerFormat, Items[itemCode].Expected);

    public static string Format(string format, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, format, args);
}

/// <summary>The wording patterns of one language, from which the MSTS items are built.</summary>
/// <param name="Between">"Between {0} and {1}" — the label of the unanchored levels 4 and 2.</param>
/// <param name="MstsSmsPrompt">{0} title, {1} question, {2}–{5} the anchors of 5, 3, 1 and 0.</param>
/// <param name="MstsExpected">{0} the anchor of 5, {1} the anchor of 0.</param>
internal sealed record MstsWording(string Between, string MstsSmsPrompt, string MstsExpected)
{
    /// <summary>An MSTS item: the published anchors at 5, 3, 1 and 0; the levels between them labelled as such.</summary>
    public KeyValuePair<string, ItemText> Item(string code, string title, string question, string five, string three, string one, string zero)
    {
        var anchors = new Dictionary<int, string>
        {
            [5] = five,
            [4] = LocaleTexts.Format(Between, 5, 3),
            [3] = three,
            [2] = LocaleTexts.Format(Between, 3, 1),
            [1] = one,
            [0] = zero,
        };
        var text = new ItemText(
            question,
            anchors,
            LocaleTexts.Format(MstsSmsPrompt, title, question, five, three, one, zero),
            LocaleTexts.Format(MstsExpected, five, zero),
            title);
        return new(code, text);
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

    public static IReadOnlyDictionary<string, string> Titles(
        string vas, string analgesic, string mstsLower, string mstsUpper) => new Dictionary<string, string>
    {
        [InstrumentCodes.Vas] = vas,
        [InstrumentCodes.Analgesic] = analgesic,
        [InstrumentCodes.MstsLower] = mstsLower,
        [InstrumentCodes.MstsUpper] = mstsUpper,
    };
}
