using System.Globalization;
using Hl7.Fhir.Model;
using PainPro.Contracts;
using PainPro.Fhir;
using PainPro.Instruments;

namespace PainPro.Ingestion.Fhir;

/// <summary>
/// The Questionnaire of each survey shape, built from <see cref="InstrumentCatalog"/> and <see cref="InstrumentTexts"/>
/// (the one source of item texts), in English with Spanish translations. A shape is the survey's list of instruments,
/// so every survey a configured protocol can produce has a Questionnaire; the protocol of DESIGN §4 uses the four
/// <see cref="StandardShapes"/>. Ids and canonical URLs follow from the instruments and never change.
/// </summary>
public static class QuestionnaireCatalog
{
    /// <summary>
    /// Raise with any change to a text, code or option below: an EHR that stored answers against one version must be
    /// able to trust that version's content. <c>Questionnaire_content_changes_only_with_a_new_version</c> enforces it.
    /// </summary>
    public const string Version = "1.1.0";

    private const string Date = "2026-12-07";
    private const string Translated = "es";

    /// <summary>Baseline; day 3 (and month 1 and 3 for sites without MSTS); month 1 and 3, lower and upper extremity.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> StandardShapes { get; } =
    [
        [InstrumentCodes.Vas],
        [InstrumentCodes.Vas, InstrumentCodes.Analgesic],
        [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower],
        [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsUpper],
    ];

    /// <summary><c>painpro-vas-analgesic-msts-lower</c> for VAS, analgesic change and lower-extremity MSTS.</summary>
    public static string IdOf(IEnumerable<string> instruments) => "painpro-" + string.Join('-', instruments);

    public static string UrlOf(string id) => $"{FhirVocabulary.CanonicalBase}/Questionnaire/{id}";

    /// <summary>The canonical reference a QuestionnaireResponse carries: url and version.</summary>
    public static string CanonicalOf(IEnumerable<string> instruments) => $"{UrlOf(IdOf(instruments))}|{Version}";

    /// <summary>The instruments behind a Questionnaire id, or null when the id names no valid shape.</summary>
    public static IReadOnlyList<string>? InstrumentsOf(string id)
    {
        if (!id.StartsWith("painpro-", StringComparison.Ordinal)) return null;
        var rest = id["painpro-".Length..];
        var instruments = new List<string>();
        while (rest.Length > 0)
        {
            // Longest first: "msts-lower" must not be read as an instrument "msts".
            var next = InstrumentCatalog.Instruments.OrderByDescending(i => i.Length)
                .FirstOrDefault(i => rest == i || rest.StartsWith(i + "-", StringComparison.Ordinal));
            if (next is null || instruments.Contains(next)) return null;
            instruments.Add(next);
            rest = rest.Length == next.Length ? "" : rest[(next.Length + 1)..];
        }
        return instruments.Count > 0 ? instruments : null;
    }

    public static Questionnaire Build(IReadOnlyList<string> instruments)
    {
        var id = IdOf(instruments);
        var questionnaire = new Questionnaire
        {
            Id = id,
            Url = UrlOf(id),
            Version = Version,
            Name = "PainPro" + string.Concat(instruments.Select(Pascal)),
            Status = PublicationStatus.Active,
            SubjectType = [ResourceType.Patient],
            Date = Date,
            Publisher = "PainPro",
            Language = InstrumentCatalog.DefaultLocale,
            Description = "PainPro patient-reported outcome survey: " + string.Join(", ", instruments.Select(i => InstrumentTexts.InstrumentTitle(i, "en"))) + ".",
        };
        questionnaire.TitleElement = Translatable(
            string.Join(" · ", instruments.Select(i => InstrumentTexts.InstrumentTitle(i, "en"))),
            string.Join(" · ", instruments.Select(i => InstrumentTexts.InstrumentTitle(i, Translated))));
        foreach (var instrument in instruments) questionnaire.Item.Add(ItemOf(instrument));
        return questionnaire;
    }

    /// <summary>The coding of an answer as the Questionnaire offers it, in the patient's language.</summary>
    public static Coding AnswerCoding(string itemCode, int value, string locale) => itemCode switch
    {
        ItemCodes.Analgesic => new Coding(FhirVocabulary.AnalgesicChange, Scoring.AnalgesicChange(value), InstrumentTexts.For(itemCode, locale).AnchorFor(value)),
        _ => new Coding(FhirVocabulary.MstsLevel, value.ToString(CultureInfo.InvariantCulture), InstrumentTexts.For(itemCode, locale).AnchorFor(value)),
    };

    /// <summary>An item's code: LOINC for pain, PainPro's own otherwise.</summary>
    public static Coding ItemCode(string itemCode) => itemCode == ItemCodes.Vas
        ? new Coding(FhirVocabulary.Loinc, FhirVocabulary.PainSeverityCode, "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
        : new Coding(FhirVocabulary.Concepts, FhirVocabulary.Codes.Item(itemCode), InstrumentTexts.For(itemCode, "en").Title);

    private static Questionnaire.ItemComponent ItemOf(string instrument)
    {
        var items = InstrumentCatalog.ItemsOf(instrument);
        if (instrument is InstrumentCodes.MstsLower or InstrumentCodes.MstsUpper)
        {
            var group = new Questionnaire.ItemComponent
            {
                LinkId = instrument,
                Type = Questionnaire.QuestionnaireItemType.Group,
                Code = [new Coding(FhirVocabulary.Concepts, instrument, "MSTS (Enneking 1993), " + (instrument == InstrumentCodes.MstsLower ? "lower" : "upper") + " extremity")],
                Required = true,
                TextElement = Translatable(InstrumentTexts.InstrumentTitle(instrument, "en"), InstrumentTexts.InstrumentTitle(instrument, Translated)),
            };
            foreach (var item in items) group.Item.Add(Question(item));
            return group;
        }
        return Question(items.Single());
    }

    private static Questionnaire.ItemComponent Question(ItemDefinition item)
    {
        var en = InstrumentTexts.For(item.Code, "en");
        var es = InstrumentTexts.For(item.Code, Translated);
        var question = new Questionnaire.ItemComponent
        {
            LinkId = item.Code,
            Code = [ItemCode(item.Code)],
            Required = true,
            TextElement = Translatable(en.Question, es.Question),
        };
        if (item.Code == ItemCodes.Vas)
        {
            // 0–10 with the two anchors in the text: an integer, as the patient answers it.
            question.Type = Questionnaire.QuestionnaireItemType.Integer;
            question.TextElement = Translatable(
                $"{en.Question} (0 = {en.AnchorFor(item.Min)}, 10 = {en.AnchorFor(item.Max)})",
                $"{es.Question} (0 = {es.AnchorFor(item.Min)}, 10 = {es.AnchorFor(item.Max)})");
            question.AddExtension(FhirVocabulary.MinValueExtension, new Integer(item.Min));
            question.AddExtension(FhirVocabulary.MaxValueExtension, new Integer(item.Max));
            return question;
        }

        question.Type = Questionnaire.QuestionnaireItemType.Choice;
        for (var value = item.Min; value <= item.Max; value++)
        {
            // MSTS: best level first, as the form lists them; the score travels as ordinalValue.
            var level = ItemCodes.IsMsts(item.Code) ? item.Max - value + item.Min : value;
            var coding = AnswerCoding(item.Code, level, "en");
            var display = en.AnchorFor(level) ?? level.ToString(CultureInfo.InvariantCulture);
            coding.DisplayElement = Translatable(display, es.AnchorFor(level) ?? display);
            var option = new Questionnaire.AnswerOptionComponent { Value = coding };
            if (ItemCodes.IsMsts(item.Code)) option.AddExtension(FhirVocabulary.OrdinalValueExtension, new FhirDecimal(level));
            question.AnswerOption.Add(option);
        }
        return question;
    }

    /// <summary>An English text with its Spanish translation (the R4 <c>translation</c> extension).</summary>
    private static FhirString Translatable(string english, string spanish)
    {
        var text = new FhirString(english);
        var translation = new Extension { Url = FhirVocabulary.TranslationExtension };
        translation.AddExtension("lang", new Code(Translated));
        translation.AddExtension("content", new FhirString(spanish));
        text.Extension.Add(translation);
        return text;
    }

    private static string Pascal(string code) =>
        string.Concat(code.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
