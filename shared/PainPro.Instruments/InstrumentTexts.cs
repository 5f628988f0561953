using PainPro.Instruments.Texts;

namespace PainPro.Instruments;

/// <summary>
/// Every patient-facing text of the instruments and of the survey conversation, in each of
/// <see cref="InstrumentCatalog.SupportedLocales"/>. Any locale is accepted: it is resolved with
/// <see cref="InstrumentCatalog.ResolveLocale"/>, so an unsupported or missing one gets English.
/// No text names a diagnosis or a procedure type. Texts that tell the patient how to reach a person name the
/// facility's care-team phone and emergency number (<see cref="CareContact"/>; without one, a wording that needs none).
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

    /// <summary>The read-back of a recorded answer that starts the next text: "Got it: pain 7 out of 10."</summary>
    /// <exception cref="ArgumentException">The item code is unknown.</exception>
    public static string Recorded(string itemCode, int value, string? locale)
    {
        var texts = Locales.For(locale);
        return texts.Items.ContainsKey(itemCode)
            ? texts.Recorded(itemCode, value)
            : throw new ArgumentException($"Unknown item '{itemCode}'.", nameof(itemCode));
    }

    /// <summary>The SMS sent when every item of the survey is answered: how to change an answer, whom to call.</summary>
    public static string Thanks(string? locale, CareContact? contact = null) => Locales.For(locale).Thanks(contact ?? CareContact.Unconfigured);

    /// <summary>The SMS sent when the text conversation is done but items remain for the web form (MSTS by default).</summary>
    public static string ContinueOnWeb(string? locale, string link) => Locales.For(locale).ContinueOnWeb(link);

    /// <summary>The reply to a text that arrives when no survey is open for the phone: a person will read it, not at once.</summary>
    public static string NoOpenSurvey(string? locale, CareContact? contact = null) =>
        Locales.For(locale).NoOpenSurvey(contact ?? CareContact.Unconfigured);

    /// <summary>The reply to a message when the survey has nothing left to ask: a person will read it, not at once.</summary>
    public static string MessageNoted(string? locale, CareContact? contact = null) =>
        Locales.For(locale).MessageNoted(contact ?? CareContact.Unconfigured);

    /// <summary>The answer to HELP / INFO (AYUDA).</summary>
    public static string Help(string? locale, CareContact? contact = null) => Locales.For(locale).Help(contact ?? CareContact.Unconfigured);

    /// <summary>The confirmation of an opt-out (STOP family).</summary>
    public static string OptedOut(string? locale) => Locales.For(locale).Conversation.OptedOut;

    /// <summary>The confirmation of an opt-in (START family).</summary>
    public static string OptedIn(string? locale) => Locales.For(locale).Conversation.OptedIn;

    /// <summary>
    /// The reply to a text that does not answer the item: says what is expected, that a person will read the text but
    /// not right away, and whom to call ("Sorry, we could not read that as an answer. Please reply with one number …");
    /// the item stays open.
    /// </summary>
    /// <exception cref="ArgumentException">The item code is unknown.</exception>
    public static string NotAnAnswer(string itemCode, string? locale, CareContact? contact = null)
    {
        var texts = Locales.For(locale);
        return texts.Items.ContainsKey(itemCode)
            ? texts.NotAnAnswer(itemCode, contact ?? CareContact.Unconfigured)
            : throw new ArgumentException($"Unknown item '{itemCode}'.", nameof(itemCode));
    }

    /// <summary>How to answer an item, as one sentence: "Please reply 1 (less pain medicine), 2 (about the same) or 3 (more)."</summary>
    /// <exception cref="ArgumentException">The item code is unknown.</exception>
    public static string ReplyWith(string itemCode, string? locale)
    {
        var texts = Locales.For(locale);
        return texts.Items.ContainsKey(itemCode)
            ? texts.ReplyWith(itemCode)
            : throw new ArgumentException($"Unknown item '{itemCode}'.", nameof(itemCode));
    }

    /// <summary>The web form's note under every page: answers are not read at once; whom to call when unwell.</summary>
    public static string UrgentCareNote(string? locale, CareContact? contact = null) =>
        Locales.For(locale).UrgentCareNote(contact ?? CareContact.Unconfigured);

    public static string WebFormTitle(string? locale) => WebForm(locale).Title;

    /// <summary>The fixed texts of the web form (title, submit, validation messages, expired/unknown link pages, the pain chart).</summary>
    public static WebFormText WebForm(string? locale) => Locales.For(locale).WebForm;
}
