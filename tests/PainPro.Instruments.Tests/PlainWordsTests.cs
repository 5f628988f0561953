using PainPro.Contracts;

namespace PainPro.Instruments.Tests;

/// <summary>
/// Issue 20: every patient-facing text reads at US grade 6 or below, in English (Flesch–Kincaid) and Spanish
/// (Crawford). Each item is judged as a patient meets it on the form — question, guidance and every answer — and each
/// conversation and form text on its own.
/// </summary>
public class PlainWordsTests
{
    private const double MaxGrade = 6.0;
    private static readonly CareContact Contact = new("555-010-0200", "911");

    public static TheoryData<string, string> ItemsInEveryLocale() => InstrumentTextsTests.ItemsInEveryLocale();

    public static TheoryData<string> Locales => new(InstrumentCatalog.SupportedLocales);

    [Theory, MemberData(nameof(ItemsInEveryLocale))]
    public void Every_item_reads_at_grade_six_or_below(string itemCode, string locale)
    {
        var text = InstrumentTexts.For(itemCode, locale);
        var asShown = string.Join(" ", new[] { text.Question, text.Hint }.OfType<string>()
            .Concat(text.Anchors.OrderByDescending(a => a.Key).Select(a => a.Value + ".")));

        var grade = Readability.Grade(asShown, locale);

        Assert.True(grade <= MaxGrade, $"{itemCode} ({locale}) reads at grade {grade:0.0}: {asShown}");
        Assert.True(Readability.Grade(text.SmsPrompt, locale) <= MaxGrade, $"{itemCode} ({locale}) text message: {text.SmsPrompt}");
    }

    [Theory, MemberData(nameof(Locales))]
    public void Every_conversation_and_form_text_reads_at_grade_six_or_below(string locale)
    {
        // A heading or a label of a few words has no sentence for a grade formula to measure (three words with "recovery"
        // in them "read" at grade 13): those are judged with their item above, or by the reviewer on the sheet.
        foreach (var (name, text) in TextSheet.ConversationTexts(locale, Contact).Concat(TextSheet.FormTexts(locale))
                     .Where(t => t.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 6))
        {
            var grade = Readability.Grade(text, locale);
            Assert.True(grade <= MaxGrade, $"{name} ({locale}) reads at grade {grade:0.0}: {text}");
        }
    }

    [Theory]
    [InlineData("The cat sat on the mat.", "en", -5.0, 2.0)]
    [InlineData("Compared with the preoperative baseline, analgesic consumption decreased substantially.", "en", 14.0, 30.0)]
    [InlineData("El gato está en la casa.", "es", 0.0, 3.0)]
    [InlineData("La administración concomitante de analgésicos opioides incrementa considerablemente la probabilidad de complicaciones.", "es", 7.0, 20.0)]
    public void The_grade_formulas_tell_plain_from_dense_text(string text, string locale, double min, double max)
    {
        var grade = Readability.Grade(text, locale);
        Assert.InRange(grade, min, max);
    }
}
