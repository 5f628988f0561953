using System.Globalization;
using System.Text;
using PainPro.Contracts;

namespace PainPro.Instruments.Tests;

/// <summary>
/// The clinician-facing sheet of every patient-facing text (<c>docs/instrument-texts.md</c>): each item's exact words in
/// English and Spanish beside the published anchors they render (Enneking et al. 1993 for MSTS), the conversation and
/// form texts, and the reading grade of each. Built from the texts in code, so what is signed off is what patients get.
/// </summary>
public static class TextSheet
{
    public const string RelativePath = "docs/instrument-texts.md";

    /// <summary>An example care-team phone, as a facility would configure it.</summary>
    public static readonly CareContact ExampleContact = new("555-010-0200", "911");

    /// <summary>The published anchors each item renders: Enneking 1993 for MSTS; DESIGN §5 for pain (an NRS) and pain medicine.</summary>
    public static readonly IReadOnlyDictionary<string, (string Question, IReadOnlyDictionary<int, string> Anchors)> Reference =
        new Dictionary<string, (string, IReadOnlyDictionary<int, string>)>
        {
            [ItemCodes.Vas] = ("How bad is the pain at the treated area right now? (0–10 numeric rating scale)",
                new Dictionary<int, string> { [0] = "No pain", [10] = "Worst pain imaginable" }),
            [ItemCodes.Analgesic] = ("Compared with before your procedure, are you taking less pain medicine, about the same, or more?",
                new Dictionary<int, string> { [1] = "Less", [2] = "About the same", [3] = "More" }),
            [ItemCodes.MstsPain] = ("Pain", Msts("None", "Modest / non-disabling", "Moderate / intermittent disabling", "Severe / continuously disabling")),
            [ItemCodes.MstsFunction] = ("Function", Msts("No restriction", "Recreational restriction", "Partial occupational restriction", "Total occupational restriction")),
            [ItemCodes.MstsEmotional] = ("Emotional acceptance", Msts("Enthused", "Satisfied", "Accepts", "Dislikes")),
            [ItemCodes.MstsSupports] = ("Supports (lower extremity)", Msts("None", "Brace", "One cane or crutch", "Two canes or crutches")),
            [ItemCodes.MstsWalking] = ("Walking ability (lower extremity)", Msts("Unlimited", "Limited", "Inside only", "Unable independently")),
            [ItemCodes.MstsGait] = ("Gait (lower extremity)", Msts("Normal", "Minor cosmetic", "Major cosmetic", "Major handicap")),
            [ItemCodes.MstsHandPositioning] = ("Hand positioning (upper extremity)",
                Msts("Unlimited", "Not above shoulder or no pronation/supination", "Not above waist", "None")),
            [ItemCodes.MstsDexterity] = ("Manual dexterity (upper extremity)", Msts("Normal", "Loss of fine movements", "Cannot pinch", "Cannot grasp")),
            [ItemCodes.MstsLifting] = ("Lifting ability (upper extremity)", Msts("Normal load", "Limited", "Helping only", "Cannot help")),
        };

    private static IReadOnlyDictionary<int, string> Msts(string five, string three, string one, string zero) =>
        new Dictionary<int, string> { [5] = five, [4] = "Intermediate", [3] = three, [2] = "Intermediate", [1] = one, [0] = zero };

    /// <summary>Every text the conversation sends, with an example contact filled in.</summary>
    public static IEnumerable<(string Name, string Text)> ConversationTexts(string locale, CareContact contact)
    {
        yield return ("Read-back of a pain answer", InstrumentTexts.Recorded(ItemCodes.Vas, 7, locale));
        yield return ("Read-back of a medicine answer", InstrumentTexts.Recorded(ItemCodes.Analgesic, 3, locale));
        yield return ("Read-back of an MSTS answer", InstrumentTexts.Recorded(ItemCodes.MstsWalking, 4, locale));
        yield return ("Thanks (all answered)", InstrumentTexts.Thanks(locale, contact));
        yield return ("Thanks, no care-team phone configured", InstrumentTexts.Thanks(locale, CareContact.Unconfigured));
        yield return ("More questions on the form", InstrumentTexts.ContinueOnWeb(locale, "https://…/s/…"));
        foreach (var item in InstrumentCatalog.AllItems)
            yield return ($"Not an answer ({item.Code})", InstrumentTexts.NotAnAnswer(item.Code, locale, contact));
        yield return ("A message when nothing is asked", InstrumentTexts.MessageNoted(locale, contact));
        yield return ("No questions waiting", InstrumentTexts.NoOpenSurvey(locale, contact));
        yield return ("HELP / AYUDA", InstrumentTexts.Help(locale, contact));
        yield return ("STOP (opted out)", InstrumentTexts.OptedOut(locale));
        yield return ("START / YES (opted in)", InstrumentTexts.OptedIn(locale));
        yield return ("Form: note on every page", InstrumentTexts.UrgentCareNote(locale, contact));
    }

    /// <summary>The web form's fixed texts.</summary>
    public static IEnumerable<(string Name, string Text)> FormTexts(string locale)
    {
        var form = InstrumentTexts.WebForm(locale);
        foreach (var property in typeof(WebFormText).GetProperties().Where(p => p.PropertyType == typeof(string) && p.Name != nameof(WebFormText.Locale)))
        {
            var text = (string)property.GetValue(form)!;
            yield return ($"Form: {property.Name}", string.Format(CultureInfo.InvariantCulture, text, form.TimepointLabel(Timepoints.Day3), 4));
        }
        foreach (var timepoint in Timepoints.All)
            yield return ($"Form: timepoint {timepoint}", form.TimepointLabel(timepoint));
        foreach (var instrument in InstrumentCatalog.Instruments)
            yield return ($"Form: heading {instrument}", InstrumentTexts.InstrumentTitle(instrument, locale));
    }

    public static string Render()
    {
        var md = new StringBuilder();
        md.AppendLine("# Instrument and conversation texts, for clinical sign-off");
        md.AppendLine();
        md.AppendLine("Every text a patient reads, exactly as PainPro sends it, in English and Spanish, beside the published anchors it renders");
        md.AppendLine("(Enneking WF et al., *A system for the functional evaluation of reconstructive procedures after surgical treatment of");
        md.AppendLine("tumors of the musculoskeletal system*, Clin Orthop Relat Res 1993;286:241–6, for the six MSTS items of each variant).");
        md.AppendLine("The web form and the text messages use the same question and the same answers for each item. Reading grade: Flesch–Kincaid");
        md.AppendLine("(English) and Crawford (Spanish), US school grades; the target is 6 or below. Pain is a 0–10 numeric rating scale (NRS).");
        md.AppendLine();
        md.AppendLine("This file is generated from `shared/PainPro.Instruments` by `TextSheetTests` and a test fails when it differs from the code:");
        md.AppendLine("change a text in code, then run `PAINPRO_UPDATE_DOCS=1 dotnet test tests/PainPro.Instruments.Tests --filter TextSheet`.");
        md.AppendLine($"Texts that name the care team's phone show the example `{ExampleContact.CareTeamPhone}`; each facility's own is configured");
        md.AppendLine("(`PainPro:Ingestion:FacilityContacts`, README).");
        md.AppendLine();
        md.AppendLine("| Signed off by (name, role) | Language | Date |");
        md.AppendLine("|---|---|---|");
        md.AppendLine("| | English | |");
        md.AppendLine("| | Spanish | |");
        md.AppendLine();
        md.AppendLine("## Items");
        foreach (var item in InstrumentCatalog.AllItems)
        {
            var en = InstrumentTexts.For(item.Code, "en");
            var es = InstrumentTexts.For(item.Code, "es");
            var (question, anchors) = Reference[item.Code];
            md.AppendLine();
            md.AppendLine($"### {en.Title} / {es.Title} (`{item.Code}`, {item.Min}–{item.Max})");
            md.AppendLine();
            md.AppendLine("| | Published | English | Spanish |");
            md.AppendLine("|---|---|---|---|");
            Row(md, "Question", question, en.Question, es.Question);
            if (en.Hint is not null) Row(md, "Guidance", "", en.Hint, es.Hint ?? "");
            foreach (var value in en.Anchors.Keys.OrderByDescending(v => ItemCodes.IsMsts(item.Code) ? v : -v))
                Row(md, value.ToString(CultureInfo.InvariantCulture), anchors.TryGetValue(value, out var reference) ? reference : "", en.Anchors[value], es.Anchors[value]);
            Row(md, "Text message", "", en.SmsPrompt, es.SmsPrompt);
            Row(md, "Reply when not an answer", "", InstrumentTexts.ReplyWith(item.Code, "en"), InstrumentTexts.ReplyWith(item.Code, "es"));
            Row(md, "Reading grade (form)", "", Grade(en, "en"), Grade(es, "es"));
        }
        md.AppendLine();
        md.AppendLine("## Conversation texts");
        md.AppendLine();
        md.AppendLine("| Text | English | Spanish | Grade (en / es) |");
        md.AppendLine("|---|---|---|---|");
        foreach (var ((name, english), (_, spanish)) in ConversationTexts("en", ExampleContact).Zip(ConversationTexts("es", ExampleContact)))
            md.AppendLine($"| {name} | {Cell(english)} | {Cell(spanish)} | {Readability.Grade(english, "en"):0.0} / {Readability.Grade(spanish, "es"):0.0} |");
        md.AppendLine();
        md.AppendLine("## Web form texts");
        md.AppendLine();
        md.AppendLine("| Text | English | Spanish |");
        md.AppendLine("|---|---|---|");
        foreach (var ((name, english), (_, spanish)) in FormTexts("en").Zip(FormTexts("es")))
            md.AppendLine($"| {name[6..]} | {Cell(english)} | {Cell(spanish)} |");
        return md.ToString().Replace("\r\n", "\n");
    }

    private static string Grade(ItemText text, string locale) =>
        Readability.Grade(string.Join(" ", new[] { text.Question, text.Hint }.OfType<string>().Concat(text.Anchors.Values.Distinct().Select(a => a + "."))), locale)
            .ToString("0.0", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder md, string what, string reference, string english, string spanish) =>
        md.AppendLine($"| {what} | {Cell(reference)} | {Cell(english)} | {Cell(spanish)} |");

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
