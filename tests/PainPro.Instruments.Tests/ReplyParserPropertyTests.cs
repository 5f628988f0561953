using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PainPro.Instruments;

namespace PainPro.Instruments.Tests;

public class ReplyParserPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(500);

    private static readonly string[] English = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    private static readonly string[] Spanish = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"];
    private static readonly string[] SpanishAccented = ["céro", "úno", "dós", "trés", "cuátro", "cínco", "séis", "siéte", "óchö", "nuéve", "díez"];

    /// <summary>The ways a patient writes a number <c>n</c> on a scale to <c>max</c>, each of which must read as <c>n</c>.</summary>
    private static readonly Func<int, int, string>[] AcceptedForms =
    [
        (n, _) => n.ToString(CultureInfo.InvariantCulture),
        (n, _) => $"  {n}\t",
        (n, _) => $"0{n}"[^Math.Min(2, $"0{n}".Length)..],
        (n, max) => $"{n}/{max}",
        (n, max) => $"{n} / {max}",
        (n, max) => $"{n} out of {max}",
        (n, max) => $"{English[n]} out of {English[max]}",
        (n, max) => $"{Spanish[n]} de {Spanish[max]}",
        (n, _) => $"pain {n}",
        (n, _) => $"Pain: {n}",
        (n, _) => $"My pain is a {n} today",
        (n, _) => $"I'd say {n}, thanks",
        (n, _) => $"Tengo un {n}",
        (n, _) => $"mi dolor es {n}",
        (n, _) => English[n],
        (n, _) => English[n].ToUpperInvariant(),
        (n, _) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(English[n]) + ".",
        (n, _) => Spanish[n],
        (n, _) => SpanishAccented[n].ToUpperInvariant(),
        (n, _) => $"¡{Spanish[n]}!",
        (n, _) => $"{n}!",
        (n, _) => $"{n}.",
        (n, _) => $"({n})",
        (n, _) => string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(d => (char)(d - '0' + '\uFF10'))),
    ];

    /// <summary>Pieces replies are made of, so random replies come close to the grammar and probe its edges.</summary>
    private static readonly string[] Fragments =
    [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "78", "100", "-", "+", "/", ".", ",", "!", "?",
        " ", " ", " ", "  ", "\n", "pain", "my", "is", "a", "i'd", "say", "out", "of", "de", "sobre", "or", "and", "to", "between",
        "seven", "siete", "séis", "ten", "diez", "uno", "una", "less", "same", "more", "más", "menos", "igual", "lo", "mismo",
        "medicine", "pills", "about", "the", "not", "no", "stop", "STOP", "help", "yes", "\U0001F600", "\u263A", "<", ">",
        "'", "\"", ";", "--", "DROP", "TABLE", "\u00BD", "\u00B2", "\uFF17", "\u0667", "\uD800",
    ];

    private static Gen<ItemDefinition> Items => Gen.Elements(InstrumentCatalog.AllItems.ToArray());

    private static Gen<string> FragmentReplies =>
        Gen.Elements(Fragments).ListOf().Select(parts => string.Concat(parts));

    private static Gen<string?> AnyReply => Gen.OneOf(
        ArbMap.Default.ArbFor<string>().Generator.Select(s => (string?)s),
        FragmentReplies.Select(s => (string?)s));

    [Fact]
    public void Every_value_in_range_written_any_accepted_way_reads_as_itself()
    {
        var cases =
            from item in Items
            from value in Gen.Choose(item.Min, item.Max)
            from form in Gen.Elements(AcceptedForms)
            select (item, value, text: form(value, item.Max));

        Prop.ForAll(cases.ToArbitrary(), c =>
                ReplyParser.Parse(c.text, c.item) == ReplyParse.Answer(c.value))
            .Check(Quick);
    }

    [Fact]
    public void Every_value_out_of_range_written_any_accepted_way_is_not_an_answer()
    {
        // Number words stop at ten, so the items with a shorter scale (analgesic 1–3, MSTS 0–5) are the ones to probe.
        var shortScales = InstrumentCatalog.AllItems.Where(item => item.Max < 10).ToArray();
        var cases =
            from item in Gen.Elements(shortScales)
            from value in Gen.Elements(Enumerable.Range(0, 11).Where(v => !item.Accepts(v)).ToArray())
            from form in Gen.Elements(AcceptedForms)
            select (item, text: form(value, item.Max));

        Prop.ForAll(cases.ToArbitrary(), c =>
                ReplyParser.Parse(c.text, c.item).Kind == ReplyKind.NotAnAnswer)
            .Check(Quick);
    }

    [Fact]
    public void Any_text_is_read_without_throwing_and_never_yields_a_value_out_of_range()
    {
        var cases = from item in Items from body in AnyReply select (item, body);

        Prop.ForAll(cases.ToArbitrary(), c =>
            {
                var parse = ReplyParser.Parse(c.body, c.item);
                return parse.Kind == ReplyKind.Answer
                    ? parse.Value is { } value && c.item.Accepts(value) && parse.Keyword is null
                    : parse.Value is null;
            })
            .Check(Quick);
    }

    [Fact]
    public void An_answer_always_names_its_value_in_the_text()
    {
        var cases = from item in Items from body in AnyReply select (item, body);

        Prop.ForAll(cases.ToArbitrary(), c =>
                ReplyParser.Parse(c.body, c.item) is not { Kind: ReplyKind.Answer, Value: { } value }
                || NamesValue(c.body!, value, c.item))
            .Check(Quick);
    }

    [Fact]
    public void Two_different_numbers_are_never_an_answer()
    {
        var cases =
            from item in Items
            from first in Gen.Choose(item.Min, item.Max)
            from second in Gen.Choose(item.Min, item.Max).Where(v => v != first)
            from joiner in Gen.Elements(" ", " or ", " o ", "-", " to ", ", ", " and ", " y ", " ")
            select (item, text: $"{first}{joiner}{second}");

        Prop.ForAll(cases.ToArbitrary(), c => ReplyParser.Parse(c.text, c.item).Kind == ReplyKind.NotAnAnswer)
            .Check(Quick);
    }

    /// <summary>The value appears as digits, as a number word, or (analgesic) as a change word — after folding case and accents.</summary>
    private static bool NamesValue(string body, int value, ItemDefinition item)
    {
        var folded = Fold(body);
        string[] words = item.Code == ItemCodes.Analgesic
            ? value switch { 1 => ["less", "menos"], 2 => ["same", "igual", "mismo", "misma"], _ => ["more", "mas"] }
            : [];
        return folded.Contains(value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            || folded.Contains(English[value], StringComparison.Ordinal)
            || folded.Contains(Spanish[value], StringComparison.Ordinal)
            || (value == 1 && folded.Contains("una", StringComparison.Ordinal))
            || words.Any(w => folded.Contains(w, StringComparison.Ordinal));
    }

    private static string Fold(string text) => string.Concat(
        text.Normalize(NormalizationForm.FormKD)
            .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            .Select(char.ToLowerInvariant));
}
