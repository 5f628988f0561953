using PainPro.Instruments.Texts;

namespace PainPro.Instruments;

/// <summary>
/// Every patient-facing text of the instruments and of the survey conversation, in each of
/// <see cref="InstrumentCatalog.SupportedLocales"/>. Any locale is accepted: it is resolved with
/// <see cref="InstrumentCatalog.ResolveLocale"/>, so an unsupported or missing one gets English.
/// No text names a diagnosis or a procedure type.
/// </summary>
public static class InstrumentTexts
{
    /// <exception cref="ArgumentException">The item code is unknown.</exception>
    public static ItemText For(string itemCode, string? locale) =>
        Locales.For(locale).Items.TryGetValue(itemCode, out var text)
            ? text
            : throw new ArgumentException($"Unknown item '{itemCode}'.", nameof(itemCode));

    /// <summary>A heading for an instrument's group of items on the web form, e.g. "Walking and daily activities" for MSTS lower.</summary>
    /// <exception cref="ArgumentException">The instrument code is unknown.</exception>
    public static string InstrumentTitle(string instrumentCode, string? locale) =>
        Locales.For(locale).InstrumentTitles.TryGetValue(instrumentCode, out var title)
            ? title
            : throw new ArgumentException($"Unknown instrument '{instrumentCode}'.", nameof(instrumentCode));

    /// <summary>The SMS sent when every item of the survey is answered.</summary>
    public static string Thanks(string? locale) => Locales.For(locale).Thanks;

    /// <summary>The SMS sent when the text conversation is done but items remain for the web form (MSTS by default).</summary>
    public static string ContinueOnWeb(string? locale, string link) => Locales.For(locale).ContinueOnWeb(link);

    /// <summary>The polite note for a text that arrives when no survey is open for the phone.</summary>
    public static string NoOpenSurvey(string? locale) => Locales.For(locale).NoOpenSurvey;

    /// <summary>The answer to HELP / INFO.</summary>
    public static string Help(string? locale) => Locales.For(locale).Help;

    /// <summary>The confirmation of an opt-out (STOP family).</summary>
    public static string OptedOut(string? locale) => Locales.For(locale).OptedOut;

    /// <summary>The confirmation of an opt-in (START family).</summary>
    public static string OptedIn(string? locale) => Locales.For(locale).OptedIn;

    /// <summary>
    /// The reply to a text that does not answer the item: says what is expected
    /// ("Sorry, we could not read that as an answer. Please reply with one whole number from 0 (no pain) to 10 …");
    /// the item stays open.
    /// </summary>
    /// <exception cref="ArgumentException">The item code is unknown.</exception>
    public static string NotAnAnswer(string itemCode, string? locale)
    {
        var texts = Locales.For(locale);
        return texts.Items.ContainsKey(itemCode)
            ? texts.NotAnAnswer(itemCode)
            : throw new ArgumentException($"Unknown item '{itemCode}'.", nameof(itemCode));
    }

    public static string WebFormTitle(string? locale) => WebForm(locale).Title;

    /// <summary>The fixed texts of the web form (title, submit, validation messages, expired/unknown link pages).</summary>
    public static WebFormText WebForm(string? locale) => Locales.For(locale).WebForm;
}
