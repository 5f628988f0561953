using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using PainPro.Instruments;

namespace PainPro.Messaging.Templates;

public enum SurveyMessageKind
{
    First,
    Reminder,
}

/// <param name="UnsubscribeUrl">The survey email's unsubscribe link (also its <c>List-Unsubscribe</c> header); null for other emails.</param>
public sealed record RenderedEmail(string Subject, string TextBody, string HtmlBody, string? UnsubscribeUrl = null);

/// <summary>
/// The patient-facing survey messages, per locale × channel × first send or reminder. They greet the patient by
/// given name only and say nothing of the procedure or diagnosis; every one carries an opt-out line.
/// The SMS invites and asks the first question (VAS) itself, in the instrument's own words
/// (<see cref="InstrumentTexts"/>, the same as the web form and the rest of the conversation): Ingestion takes the
/// reply as its answer.
/// </summary>
public sealed class SurveyTemplates(string organisationName)
{
    public const int MaxSmsSegments = SmsSegments.ConversationBudget;

    /// <summary>
    /// Each SMS has a full form and a compact one around the pain question ({question}). The full form is GSM-7 (the
    /// Spanish one avoids á, í, ó, ú by its choice of words, so it keeps 153 septets a part); a name outside GSM-7
    /// ("María", "Zoë") turns the text into UCS-2 at 67 units a part, and then the compact form keeps it within two
    /// segments.
    /// </summary>
    internal sealed record SmsTemplate(string Full, string Compact);

    internal static readonly IReadOnlyDictionary<(string Locale, SurveyMessageKind Kind), SmsTemplate> SmsTexts =
        new Dictionary<(string, SurveyMessageKind), SmsTemplate>
        {
            [("en", SurveyMessageKind.First)] = new(
                "Hi {name}, your care team would like to know how you are doing. {question} Reply STOP to opt out.",
                "Hi {name}. {question} STOP to opt out."),
            [("en", SurveyMessageKind.Reminder)] = new(
                "Hi {name}, a reminder from your care team: we would like to know how you are doing. {question} Reply STOP to opt out.",
                "Reminder: hi {name}. {question} STOP to opt out."),
            [("es", SurveyMessageKind.First)] = new(
                "Hola {name}, su equipo médico quiere saber de usted. {question} Para no recibir mensajes, responda STOP.",
                "Hola {name}. {question} Baja: STOP"),
            [("es", SurveyMessageKind.Reminder)] = new(
                "Hola {name}, le recordamos que su equipo médico quiere saber de usted. {question} Para no recibir mensajes, responda STOP.",
                "Recordatorio: {name}. {question} Baja: STOP"),
        };

    internal sealed record EmailTemplate(
        string Subject, string Greeting, string Intro, string Button, string LinkNote, string OptOut);

    /// <summary>The words of the unsubscribe link, per language.</summary>
    internal static readonly IReadOnlyDictionary<string, string> UnsubscribeTexts = new Dictionary<string, string>
    {
        ["en"] = "Stop these emails",
        ["es"] = "Dejar de recibir estos correos",
    };

    /// <summary>Where a survey email's unsubscribe link points: Ingestion's page for the email's own link token.</summary>
    public static string UnsubscribeLink(string surveyLink) => surveyLink.TrimEnd('/') + "/unsubscribe";

    internal static readonly IReadOnlyDictionary<(string Locale, SurveyMessageKind Kind), EmailTemplate> EmailTexts =
        new Dictionary<(string, SurveyMessageKind), EmailTemplate>
        {
            [("en", SurveyMessageKind.First)] = new(
                "{org}: a few questions about how you are doing",
                "Hi {name},",
                "Your care team at {org} would like to know how you are doing. A few short questions take about two minutes.",
                "Answer the questions",
                "This link is personal to you and works until {expires}.",
                "If you would rather not receive these messages, please tell your care team."),
            [("en", SurveyMessageKind.Reminder)] = new(
                "Reminder: {org} would like to hear how you are doing",
                "Hi {name},",
                "A gentle reminder: your care team at {org} would still like to know how you are doing. A few short questions take about two minutes.",
                "Answer the questions",
                "This link is personal to you and works until {expires}.",
                "If you would rather not receive these messages, please tell your care team."),
            [("es", SurveyMessageKind.First)] = new(
                "{org}: unas preguntas sobre cómo se encuentra",
                "Hola {name}:",
                "Su equipo médico de {org} quiere saber cómo se encuentra. Son unas pocas preguntas breves; tardará unos dos minutos.",
                "Responder las preguntas",
                "Este enlace es personal y funciona hasta el {expires}.",
                "Si prefiere no recibir estos mensajes, por favor, dígaselo a su equipo médico."),
            [("es", SurveyMessageKind.Reminder)] = new(
                "Recordatorio: {org} quiere saber cómo se encuentra",
                "Hola {name}:",
                "Le recordamos que su equipo médico de {org} todavía quiere saber cómo se encuentra. Son unas pocas preguntas breves; tardará unos dos minutos.",
                "Responder las preguntas",
                "Este enlace es personal y funciona hasta el {expires}.",
                "Si prefiere no recibir estos mensajes, por favor, dígaselo a su equipo médico."),
        };

    public static IReadOnlyList<string> SupportedLocales { get; } = ["en", "es"];

    /// <summary>"es-MX" → "es"; anything unsupported or missing → "en".</summary>
    public static string ResolveLocale(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale)) return "en";
        var language = locale.Trim().Split('-', '_')[0].ToLowerInvariant();
        return SupportedLocales.Contains(language) ? language : "en";
    }

    /// <summary>The survey SMS, never longer than <see cref="MaxSmsSegments"/> segments whatever the name.</summary>
    public string Sms(string? locale, SurveyMessageKind kind, string? givenName)
    {
        var language = ResolveLocale(locale);
        var template = SmsTexts[(language, kind)];
        var question = InstrumentTexts.For(ItemCodes.Vas, language).SmsPrompt;
        var name = GivenNames.Clean(givenName);
        // Longest first; the last candidate has no name at all, and every compact form fits on its own. A name outside
        // GSM-7 is written without its accents ("María" → "Maria") only when keeping them would cost a third segment.
        var plain = GivenNames.AsGsm7(name);
        foreach (var candidate in new[]
                 {
                     Fill(template.Full, name, question), Fill(template.Compact, name, question),
                     Fill(template.Compact, GivenNames.Shorten(name), question),
                     plain is null ? null : Fill(template.Full, plain, question),
                     plain is null ? null : Fill(template.Compact, GivenNames.Shorten(plain), question),
                     Fill(template.Compact, "", question),
                 }.OfType<string>())
        {
            if (SmsSegments.FitsBudget(candidate)) return candidate;
        }
        return Fill(template.Compact, "", question);
    }

    public RenderedEmail Email(string? locale, SurveyMessageKind kind, string? givenName, string link,
        DateTimeOffset expiresAt, string? timeZone)
    {
        var language = ResolveLocale(locale);
        var t = EmailTexts[(language, kind)];
        var name = GivenNames.Clean(givenName);
        var expires = FormatExpiry(expiresAt, timeZone, locale, language);

        string Text(string template) => Fill(template, name).Replace("{org}", organisationName).Replace("{expires}", expires);

        var subject = Text(t.Subject);
        var unsubscribe = UnsubscribeLink(link);
        var text = new StringBuilder()
            .Append(Text(t.Greeting)).Append("\n\n")
            .Append(Text(t.Intro)).Append("\n\n")
            .Append(link).Append("\n\n")
            .Append(Text(t.LinkNote)).Append("\n\n")
            .Append(Text(t.OptOut)).Append(' ').Append(UnsubscribeTexts[language]).Append(": ").Append(unsubscribe).Append("\n\n")
            .Append(organisationName).Append('\n')
            .ToString();

        var h = HtmlEncoder.Default;
        string Html(string template) => h.Encode(Text(template));
        var href = h.Encode(link);
        var html = $"""
            <!DOCTYPE html>
            <html lang="{language}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{h.Encode(subject)}</title></head>
            <body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff;">
            <p>{Html(t.Greeting)}</p>
            <p>{Html(t.Intro)}</p>
            <p><a href="{href}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;">{Html(t.Button)}</a></p>
            <p style="font-size:14px;color:#444444;">{Html(t.LinkNote)}<br><a href="{href}" style="color:#0b5cad;">{href}</a></p>
            <p style="font-size:14px;color:#444444;">{Html(t.OptOut)} <a href="{h.Encode(unsubscribe)}" style="color:#0b5cad;">{h.Encode(UnsubscribeTexts[language])}</a></p>
            <p>{h.Encode(organisationName)}</p>
            </body>
            </html>
            """;
        return new RenderedEmail(subject, text, html, unsubscribe);
    }

    private static string Fill(string template, string name, string? question = null)
    {
        var text = name.Length == 0
            ? template.Replace(" {name}", "").Replace(": {name}.", ".").Replace("{name}", "")
            : template.Replace("{name}", name);
        return question is null ? text : text.Replace("{question}", question);
    }

    /// <summary>
    /// The closing time in the patient's own zone (Scheduling sends the facility's when the patient has none) and
    /// language, e.g. "Tuesday, November 24, 2026 2:00 PM". A zone this machine does not know gives no time of day at all,
    /// only a date on which the link is still open wherever the patient is (the UTC date 36 hours before it closes), rather
    /// than a time in a zone the patient does not live in.
    /// </summary>
    internal static string FormatExpiry(DateTimeOffset expiresAt, string? timeZone, string? locale, string language)
    {
        TimeZoneInfo? zone = null;
        if (!string.IsNullOrWhiteSpace(timeZone))
        {
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone); }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { }
        }
        CultureInfo culture;
        try { culture = CultureInfo.GetCultureInfo(string.IsNullOrWhiteSpace(locale) ? language : locale); }
        catch (CultureNotFoundException) { culture = CultureInfo.GetCultureInfo(language); }
        if (!culture.Name.StartsWith(language, StringComparison.OrdinalIgnoreCase)) culture = CultureInfo.GetCultureInfo(language);
        // ICU puts narrow no-break spaces in times ("2:00\u202FPM"); plain spaces read the same and survive every mail client.
        var text = zone is null
            ? expiresAt.ToUniversalTime().AddHours(-36).ToString("D", culture)
            : TimeZoneInfo.ConvertTime(expiresAt, zone).ToString("f", culture);
        return text.Replace('\u202F', ' ').Replace('\u00A0', ' ');
    }
}

/// <summary>The given name as it may appear in a message: one line, no control characters, trimmed.</summary>
public static class GivenNames
{
    public const int ShortLength = 20;

    public static string Clean(string? givenName)
    {
        if (string.IsNullOrWhiteSpace(givenName)) return "";
        var builder = new StringBuilder(givenName.Length);
        var space = false;
        foreach (var c in givenName.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format) continue;
            if (space && builder.Length > 0) builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>
    /// The name in the GSM-7 alphabet: letters outside it lose their accents ("Zoë Ángela" → "Zoe Angela"; "José" keeps its
    /// é, which GSM-7 has). Null when that is not enough (another script): such a name is left out rather than mangled.
    /// </summary>
    public static string? AsGsm7(string name)
    {
        if (SmsSegments.IsGsm7(name)) return name;
        var plain = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (SmsSegments.IsGsm7(c.ToString())) { plain.Append(c); continue; }
            var bare = new string([.. c.ToString().Normalize(NormalizationForm.FormD).Where(d => CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)]);
            if (bare.Length == 0 || !SmsSegments.IsGsm7(bare)) return null;
            plain.Append(bare);
        }
        return plain.ToString();
    }

    /// <summary>The first name of several, cut to <see cref="ShortLength"/> characters without splitting a pair.</summary>
    public static string Shorten(string name)
    {
        var first = name.Split(' ', 2)[0];
        if (first.Length <= ShortLength) return first;
        var cut = ShortLength;
        if (char.IsHighSurrogate(first[cut - 1])) cut--;
        return first[..cut];
    }
}
