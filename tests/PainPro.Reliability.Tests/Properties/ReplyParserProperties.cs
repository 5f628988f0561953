using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PainPro.Instruments;
using PainPro.Reliability.Tests.Reporting;

namespace PainPro.Reliability.Tests.Properties;

/// <summary>
/// Hostile and careless texts against the reply parser (DESIGN §5): carrier keywords exactly as carriers treat them,
/// Spanish keywords only for Spanish-speaking patients, emoji that never change a number nor make one, nothing but a
/// clean single answer read as an answer, and no text — however long, malformed or adversarial — that makes it throw.
/// (The instruments project pins the accepted answer forms; these properties pin the edges.)
/// </summary>
public class ReplyParserProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(Sizes.PropertyRuns);

    private static readonly (string Word, ReplyKind Kind)[] CarrierKeywords =
    [
        ("STOP", ReplyKind.OptOut), ("STOPALL", ReplyKind.OptOut), ("UNSUBSCRIBE", ReplyKind.OptOut),
        ("CANCEL", ReplyKind.OptOut), ("END", ReplyKind.OptOut), ("QUIT", ReplyKind.OptOut),
        ("START", ReplyKind.OptIn), ("YES", ReplyKind.OptIn), ("UNSTOP", ReplyKind.OptIn),
        ("HELP", ReplyKind.Help), ("INFO", ReplyKind.Help),
    ];

    private static readonly (string Word, ReplyKind Kind)[] SpanishKeywords =
    [
        ("PARAR", ReplyKind.OptOut), ("BAJA", ReplyKind.OptOut), ("COMENZAR", ReplyKind.OptIn), ("AYUDA", ReplyKind.Help),
    ];

    private static readonly string[] Padding = ["", " ", "  ", "\t", "\n", " \r\n", "\u00A0"];

    /// <summary>Emoji a patient adds to say how they feel: faces (with a skin tone), hearts, hands, a flag, a pill.</summary>
    private static readonly string[] FeelingEmoji =
    [
        "\U0001F62D", "\U0001F622", "\U0001F623", "\U0001F915", "\U0001F600", "\u263A\uFE0F", "\u2764\uFE0F", "\U0001F44D",
        "\U0001F44D\U0001F3FD", "\U0001F64F", "\U0001F1EA\U0001F1F8", "\U0001F48A", "\u2728", "\U0001F468\u200D\U0001F469\u200D\U0001F467",
    ];

    /// <summary>Texts that are no answer to any item: two numbers, decimals, ranges, signs, questions, out of range.</summary>
    private static readonly string[] Refused =
    [
        "7 or 8", "78", "7.5", "7,5", "11", "-1", "100", "7-8", "7 8", "between 6 and 7", "7?", "not 7", "7/5", "7 out of 8",
        "it was 8 yesterday, 6 now", "more or less", "3 less", "12",
    ];

    private static readonly char[] TrailingMarks = ['.', '!', '?', ',', ';', ':'];

    /// <summary>Characters the parser's grammar does not allow anywhere in an answer (invisible format characters such as
    /// U+202E are dropped and a backtick reads as an apostrophe, by design, so they are not here).</summary>
    private static readonly string[] Hostile =
    [
        "<b>", "</b>", "<script>alert(1)</script>", "'; DROP TABLE responses;--", "1=1 --", "%s", "{{7}}", "${7}",
        "#", "+", "-", "*", "&amp;", "|", "\\", "[", "]", "~", "^", "@", "?",
        // Emoji that read as signs: plus, minus, a cross, a question, a prohibition, the keycap ten.
        "\u2795", "\u2796", "\u274C", "\u2753", "\U0001F6AB", "\U0001F51F",
    ];

    private static Gen<ItemDefinition?> ItemOrNone =>
        Gen.Elements(InstrumentCatalog.AllItems.Cast<ItemDefinition?>().Append(null).ToArray());

    private static Gen<string> RandomCase(string word) =>
        Gen.ArrayOf(Gen.Elements(true, false), word.Length)
            .Select(upper => string.Concat(word.Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))));

    [Fact]
    public void A_lone_carrier_keyword_is_recognised_in_any_case_padded_and_with_one_trailing_mark_whatever_is_asked()
    {
        using var entry = Ledger.Open("inputs.parser-keywords", Ledger.Inputs, "Carrier keywords (STOP/START/HELP families) in any case, padded, one trailing mark");
        var cases =
            from keyword in Gen.Elements(CarrierKeywords)
            from word in RandomCase(keyword.Word)
            from before in Gen.Elements(Padding)
            from after in Gen.Elements(Padding)
            from mark in Gen.Elements(TrailingMarks.Select(c => c.ToString()).Append("").ToArray())
            from item in ItemOrNone
            select (keyword, text: before + word + mark + after, item);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parse = c.item is null ? ReplyParser.Parse(c.text) : ReplyParser.Parse(c.text, c.item);
            return (parse.Kind == c.keyword.Kind && parse.Keyword == c.keyword.Word && parse.Value is null)
                .Label($"'{c.text}' for {c.item?.Code ?? "no item"}: {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void A_keyword_inside_a_longer_message_is_never_a_carrier_command()
    {
        using var entry = Ledger.Open("inputs.parser-keyword-in-sentence", Ledger.Inputs, "Keyword inside a longer message (\"stop the pain is 7\") is no command");
        var otherWords = Gen.Elements("the", "pain", "is", "7", "please", "siete", "now", "my", "no", "not", "ok", "x");
        var cases =
            from keyword in Gen.Elements(CarrierKeywords)
            from word in RandomCase(keyword.Word)
            from others in Gen.NonEmptyListOf(otherWords)
            from keywordFirst in Gen.Elements(true, false)
            from item in ItemOrNone
            select (text: keywordFirst ? $"{word} {string.Join(' ', others)}" : $"{string.Join(' ', others)} {word}", item);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parse = c.item is null ? ReplyParser.Parse(c.text) : ReplyParser.Parse(c.text, c.item);
            return (parse.Kind is ReplyKind.Answer or ReplyKind.NotAnAnswer && parse.Keyword is null).Label($"'{c.text}': {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void Markup_code_or_symbols_next_to_a_valid_answer_make_it_not_an_answer()
    {
        using var entry = Ledger.Open("inputs.parser-hostile", Ledger.Inputs, "HTML, SQL and symbols around a valid number in a reply");
        var cases =
            from item in Gen.Elements(InstrumentCatalog.AllItems.ToArray())
            from value in Gen.Choose(item.Min, item.Max)
            from hostile in Gen.Elements(Hostile)
            from position in Gen.Choose(0, 2)
            select (item, text: position switch
            {
                0 => hostile + value.ToString(CultureInfo.InvariantCulture),
                1 => value.ToString(CultureInfo.InvariantCulture) + hostile,
                _ => $"{hostile} {value} {hostile}",
            });

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parse = ReplyParser.Parse(c.text, c.item);
            return (parse == ReplyParse.NotAnAnswer).Label($"'{c.text}' for {c.item.Code}: {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void No_text_longer_than_one_sms_segment_is_read_as_an_answer()
    {
        using var entry = Ledger.Open("inputs.parser-long", Ledger.Inputs, "Replies longer than one SMS segment (up to 2,000 characters)");
        var cases =
            from item in Gen.Elements(InstrumentCatalog.AllItems.ToArray())
            from value in Gen.Choose(item.Min, item.Max)
            from length in Gen.Choose(ReplyParser.MaxAnswerLength + 1, 2000)
            from filler in Gen.Elements(" ", "pain ", "dolor ", ".", "!")
            select (item, text: (value.ToString(CultureInfo.InvariantCulture) + " " + string.Concat(Enumerable.Repeat(filler, length))) [..length]);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parse = ReplyParser.Parse(c.text, c.item);
            return (parse.Kind != ReplyKind.Answer).Label($"{c.text.Length} characters for {c.item.Code}: {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void A_spanish_keyword_is_recognised_for_a_spanish_speaking_patient_and_for_nobody_else()
    {
        using var entry = Ledger.Open("inputs.parser-spanish-keywords", Ledger.Inputs,
            "Spanish keywords (PARAR, BAJA, COMENZAR, AYUDA) in any case and accents, for es patients only");
        var accents = new Dictionary<char, char> { ['A'] = 'Á', ['E'] = 'É', ['O'] = 'Ó', ['a'] = 'á', ['e'] = 'é', ['o'] = 'ó' };
        var cases =
            from keyword in Gen.Elements(SpanishKeywords)
            from word in RandomCase(keyword.Word)
            from accented in Gen.ArrayOf(Gen.Elements(true, false), word.Length)
                .Select(flags => string.Concat(word.Select((c, i) => flags[i] && accents.TryGetValue(c, out var a) ? a : c)))
            from before in Gen.Elements(Padding)
            from after in Gen.Elements(Padding)
            from mark in Gen.Elements("", "!", ".", "?")
            from locale in Gen.Elements("es", "es-MX", "es_US", "ES", "en", "en-US", "fr", "", null)
            from item in ItemOrNone
            select (keyword, text: before + accented + mark + after, locale, item);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parse = c.item is null ? ReplyParser.Parse(c.text, c.locale) : ReplyParser.Parse(c.text, c.item, c.locale);
            var spanish = InstrumentCatalog.ResolveLocale(c.locale) == "es";
            var expected = spanish ? new ReplyParse(c.keyword.Kind, null, c.keyword.Word) : ReplyParse.NotAnAnswer;
            return (parse == expected).Label($"'{c.text}' for {c.locale ?? "no locale"}, {c.item?.Code ?? "no item"}: {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void Emoji_around_a_single_answer_leave_it_that_answer()
    {
        using var entry = Ledger.Open("inputs.parser-emoji-around", Ledger.Inputs, "Emoji around a single valid answer (\"8 😭\", \"😭 9\")");
        var cases =
            from item in Gen.Elements(InstrumentCatalog.AllItems.ToArray())
            from value in Gen.Choose(item.Min, item.Max)
            from before in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements(FeelingEmoji), n))
            from after in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements(FeelingEmoji), n))
            from gap in Gen.Elements("", " ", "  ")
            from marks in Gen.Elements("", "!", "!!", "!!!", ".")
            select (item, value, text: string.Concat(before) + gap + value.ToString(CultureInfo.InvariantCulture) + marks + gap + string.Concat(after));

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parse = ReplyParser.Parse(c.text, c.item);
            return (parse == ReplyParse.Answer(c.value)).Label($"'{c.text}' for {c.item.Code}: {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void Emoji_anywhere_never_turn_a_refused_reply_into_an_answer()
    {
        using var entry = Ledger.Open("inputs.parser-emoji-refused", Ledger.Inputs,
            "Emoji inserted anywhere in a refused reply (\"7 or 8\", \"78\", \"7.5\" …), even between digits");
        var cases =
            from item in Gen.Elements(InstrumentCatalog.AllItems.ToArray())
            from refused in Gen.Elements(Refused)
            from emoji in Gen.Elements(FeelingEmoji)
            from position in Gen.Choose(0, refused.Length)
            select (item, text: refused[..position] + emoji + refused[position..]);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parse = ReplyParser.Parse(c.text, c.item);
            return (parse.Kind != ReplyKind.Answer).Label($"'{c.text}' for {c.item.Code}: {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void Any_sequence_of_utf16_code_units_is_parsed_without_throwing_the_same_way_twice()
    {
        using var entry = Ledger.Open("inputs.parser-utf16", Ledger.Inputs, "Arbitrary UTF-16 (lone surrogates, controls, unassigned) up to 2,000 units");
        // Whole code-unit range, so lone surrogates, controls, format characters and unassigned points all occur.
        var units = Gen.Choose(0, 0xFFFF).Select(u => (char)u);
        var texts = Gen.Choose(0, 2000).SelectMany(n => Gen.ArrayOf(units, n)).Select(chars => new string(chars));
        var cases = from item in ItemOrNone from text in texts select (item, text);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var first = c.item is null ? ReplyParser.Parse(c.text) : ReplyParser.Parse(c.text, c.item);
            var second = c.item is null ? ReplyParser.Parse(c.text) : ReplyParser.Parse(c.text, c.item);
            var consistent = first == second
                && (first.Kind == ReplyKind.Answer) == (first.Value is not null)
                && (first.Kind != ReplyKind.Answer || (c.item is not null && c.item.Accepts(first.Value!.Value)));
            return consistent.Label($"{c.text.Length} units for {c.item?.Code ?? "no item"}: {first} then {second}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void With_no_question_open_nothing_but_a_carrier_keyword_means_anything()
    {
        using var entry = Ledger.Open("inputs.parser-no-item", Ledger.Inputs, "Texts with no open question: only carrier keywords mean anything");
        var numbers = Gen.Choose(0, 10).Select(n => n.ToString(CultureInfo.InvariantCulture));
        var texts = Gen.OneOf(numbers, Gen.Elements("7/10", "pain 7", "siete", "seven", "less", "más", "igual"),
            ArbMap.Default.ArbFor<string>().Generator.Where(s => s is not null));

        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var parse = ReplyParser.Parse(text);
            return (parse.Kind != ReplyKind.Answer && parse.Value is null).Label($"'{text}': {parse}");
        }).Check(Runs);
        entry.Count("texts", Sizes.PropertyRuns).Pass();
    }
}
