using System.Globalization;
using PainPro.Contracts;
using PainPro.Instruments;

namespace PainPro.Instruments.Tests;

public class InstrumentTextsTests
{
    public static TheoryData<string, string> ItemsInEveryLocale()
    {
        var data = new TheoryData<string, string>();
        foreach (var item in InstrumentCatalog.AllItems)
        {
            foreach (var locale in InstrumentCatalog.SupportedLocales)
            {
                data.Add(item.Code, locale);
            }
        }

        return data;
    }

    public static TheoryData<string> Items() => new(InstrumentCatalog.AllItems.Select(item => item.Code));

    [Theory]
    [MemberData(nameof(ItemsInEveryLocale))]
    public void Every_item_has_every_text_in_every_locale(string itemCode, string locale)
    {
        var text = InstrumentTexts.For(itemCode, locale);

        Assert.All([text.Question, text.SmsPrompt, text.Expected, text.Title], part => Assert.False(string.IsNullOrWhiteSpace(part)));
        Assert.All(text.Anchors.Values, anchor => Assert.False(string.IsNullOrWhiteSpace(anchor)));
        Assert.All(text.Anchors.Keys, value => Assert.True(InstrumentCatalog.Item(itemCode).Accepts(value)));
    }

    [Theory]
    [MemberData(nameof(Items))]
    public void Spanish_texts_are_translations_not_copies(string itemCode)
    {
        var english = InstrumentTexts.For(itemCode, "en");
        var spanish = InstrumentTexts.For(itemCode, "es");

        Assert.NotEqual(english.Question, spanish.Question);
        Assert.NotEqual(english.SmsPrompt, spanish.SmsPrompt);
        Assert.NotEqual(english.Expected, spanish.Expected);
        Assert.All(english.Anchors.Keys, value => Assert.NotEqual(english.Anchors[value], spanish.Anchors[value]));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public void Vas_is_anchored_at_no_pain_and_worst_imaginable(string locale)
    {
        var vas = InstrumentTexts.For(ItemCodes.Vas, locale);

        Assert.Equal([0, 10], vas.Anchors.Keys.Order());
        Assert.Null(vas.AnchorFor(5));
    }

    [Theory]
    [MemberData(nameof(ItemsInEveryLocale))]
    public void The_text_message_asks_the_web_forms_question_in_the_same_words_without_an_item_title(string itemCode, string locale)
    {
        var text = InstrumentTexts.For(itemCode, locale);

        Assert.StartsWith(text.Question, text.SmsPrompt);
        Assert.DoesNotContain(text.Title + ":", text.SmsPrompt);
    }

    [Fact]
    public void The_pain_question_reads_the_same_in_every_channel()
    {
        Assert.Equal("How bad is the pain at the treated area right now? Reply with one number from 0 (no pain) to 10 (worst possible pain).",
            InstrumentTexts.For(ItemCodes.Vas, "en").SmsPrompt);
        Assert.Equal("¿Qué tan fuerte es el dolor en la zona tratada ahora? Responda del 0 (sin dolor) al 10 (el peor dolor posible).",
            InstrumentTexts.For(ItemCodes.Vas, "es").SmsPrompt);
    }

    [Theory]
    [InlineData("en", "If you take none now, reply 1 if you took some before, or 2 if you never did.")]
    [InlineData("es", "Si ahora no toma ninguna, responda 1 si antes tomaba, o 2 si nunca la ha tomado.")]
    public void The_medicine_question_tells_a_patient_who_takes_none_what_to_answer(string locale, string guidance)
    {
        var text = InstrumentTexts.For(ItemCodes.Analgesic, locale);

        Assert.EndsWith(guidance, text.SmsPrompt);
        Assert.NotNull(text.Hint);
        Assert.Contains("1", text.Hint);
        Assert.Contains("2", text.Hint);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public void Analgesic_labels_each_of_its_three_answers(string locale)
    {
        Assert.Equal([1, 2, 3], InstrumentTexts.For(ItemCodes.Analgesic, locale).Anchors.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(ItemsInEveryLocale))]
    public void Msts_items_are_anchored_at_odd_levels_and_zero_with_even_levels_between(string itemCode, string locale)
    {
        if (!ItemCodes.IsMsts(itemCode))
        {
            return;
        }

        var text = InstrumentTexts.For(itemCode, locale);

        Assert.Equal([0, 1, 2, 3, 4, 5], text.Anchors.Keys.Order());
        // The levels between two anchors are named for what they are, not "Between 5 and 3".
        Assert.Equal(text.Anchors[4], text.Anchors[2]);
        Assert.Equal(locale == "es" ? "Entre la respuesta de arriba y la de abajo" : "In between the answer above and the one below", text.Anchors[4]);
        Assert.Equal(5, text.Anchors.Values.Distinct().Count());
        foreach (var anchored in new[] { 5, 3, 1, 0 })
        {
            Assert.Contains($"{anchored} = {char.ToLowerInvariant(text.Anchors[anchored][0])}{text.Anchors[anchored][1..]}", text.SmsPrompt,
                StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(ItemCodes.MstsPain, 3, "Some pain, but it does not stop me from doing things")]
    [InlineData(ItemCodes.MstsPain, 1, "Pain that stops me from doing things at times")]
    [InlineData(ItemCodes.MstsEmotional, 5, "I like it a lot")]
    [InlineData(ItemCodes.MstsGait, 0, "With a big change that makes walking very hard")]
    [InlineData(ItemCodes.MstsDexterity, 1, "I cannot pick up small things between my finger and thumb")]
    public void Msts_anchors_say_the_enneking_levels_in_plain_words(string itemCode, int level, string anchor)
    {
        Assert.Equal(anchor, InstrumentTexts.For(itemCode, "en").AnchorFor(level));
    }

    [Theory]
    [InlineData("Modest", "Moderate")]
    [InlineData("handicap", "disabling")]
    [InlineData("pinch", "Enthusiastic")]
    public void Msts_anchors_avoid_words_patients_misread(string first, string second)
    {
        var anchors = InstrumentCatalog.AllItems.Where(i => ItemCodes.IsMsts(i.Code))
            .SelectMany(i => InstrumentTexts.For(i.Code, "en").Anchors.Values);
        Assert.All(anchors, anchor => Assert.DoesNotContain(first, anchor, StringComparison.OrdinalIgnoreCase));
        Assert.All(anchors, anchor => Assert.DoesNotContain(second, anchor, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Spanish_texts_say_equipo_medico_and_avoid_the_words_patients_misread()
    {
        string[] avoided = ["equipo de salud", "equipo de atención", "incapacita", "entusiasmo", "satisfacción", "hacer pinza", "ortesis", "número entero"];
        var spanish = AllTexts().ToList();
        Assert.All(avoided, word => Assert.DoesNotContain(spanish, text => text.Contains(word, StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("equipo médico", InstrumentTexts.Help("es"));
    }

    [Theory]
    [MemberData(nameof(ItemsInEveryLocale))]
    public void Not_an_answer_says_what_is_expected(string itemCode, string locale)
    {
        var item = InstrumentCatalog.Item(itemCode);
        var text = InstrumentTexts.For(itemCode, locale);
        var reply = InstrumentTexts.NotAnAnswer(itemCode, locale, new CareContact("555-010-0200", "911"));

        Assert.Contains(text.Expected, reply);
        Assert.Contains("555-010-0200", reply);
        Assert.Contains("911", reply);
        Assert.Contains(item.Min.ToString(CultureInfo.InvariantCulture), text.Expected);
        Assert.Contains(item.Max.ToString(CultureInfo.InvariantCulture), text.Expected);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en-AU")]
    [InlineData("")]
    [InlineData(null)]
    public void Unsupported_locale_falls_back_to_english(string? locale)
    {
        Assert.Equal(InstrumentTexts.For(ItemCodes.Vas, "en"), InstrumentTexts.For(ItemCodes.Vas, locale));
        Assert.Equal(InstrumentTexts.Thanks("en"), InstrumentTexts.Thanks(locale));
        Assert.Equal(InstrumentTexts.WebForm("en"), InstrumentTexts.WebForm(locale));
    }

    [Fact]
    public void Regional_spanish_gets_spanish()
    {
        Assert.Equal(InstrumentTexts.For(ItemCodes.Vas, "es"), InstrumentTexts.For(ItemCodes.Vas, "es-MX"));
        Assert.Equal(InstrumentTexts.Help("es"), InstrumentTexts.Help("es-US"));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public void Keyword_replies_tell_how_to_reverse_them(string locale)
    {
        Assert.Contains("STOP", InstrumentTexts.Help(locale));
        Assert.Contains("START", InstrumentTexts.Help(locale));
        Assert.Contains("START", InstrumentTexts.OptedOut(locale));
        Assert.Contains("STOP", InstrumentTexts.OptedIn(locale));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public void Continue_on_web_carries_the_link(string locale)
    {
        Assert.EndsWith("https://example.org/s/abc", InstrumentTexts.ContinueOnWeb(locale, "https://example.org/s/abc"));
    }

    [Fact]
    public void Conversation_and_web_form_texts_exist_in_spanish_and_differ_from_english()
    {
        Func<string, string>[] conversation =
        [
            locale => InstrumentTexts.Thanks(locale), locale => InstrumentTexts.NoOpenSurvey(locale), locale => InstrumentTexts.Help(locale),
            locale => InstrumentTexts.MessageNoted(locale), InstrumentTexts.OptedOut,
            InstrumentTexts.OptedIn, InstrumentTexts.WebFormTitle, locale => InstrumentTexts.ContinueOnWeb(locale, "L"),
        ];
        Assert.All(conversation, text => Assert.NotEqual(text("en"), text("es")));

        var english = WebFormStrings("en");
        var spanish = WebFormStrings("es");
        Assert.All(english.Keys, name => Assert.False(string.IsNullOrWhiteSpace(english[name]), name));
        Assert.All(english.Keys.Where(name => name != nameof(WebFormText.Locale)), name => Assert.NotEqual(english[name], spanish[name]));
        Assert.Equal("es", spanish[nameof(WebFormText.Locale)]);
    }

    [Theory]
    [InlineData(InstrumentCodes.Vas)]
    [InlineData(InstrumentCodes.Analgesic)]
    [InlineData(InstrumentCodes.MstsLower)]
    [InlineData(InstrumentCodes.MstsUpper)]
    public void Every_instrument_has_a_title_in_each_language(string instrumentCode)
    {
        Assert.NotEqual(InstrumentTexts.InstrumentTitle(instrumentCode, "en"), InstrumentTexts.InstrumentTitle(instrumentCode, "es"));
    }

    [Fact]
    public void Unknown_item_texts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => InstrumentTexts.For("msts.stairs", "en"));
        Assert.Throws<ArgumentException>(() => InstrumentTexts.NotAnAnswer("msts.stairs", "es"));
    }

    [Fact]
    public void No_text_names_a_diagnosis_or_a_procedure_type()
    {
        string[] forbidden = ["cancer", "cáncer", "tumor", "metasta", "oncolog", "plasty", "plastia", "resection", "resección", "fixation", "osteogenesis"];

        Assert.All(AllTexts(), text => Assert.All(forbidden, word => Assert.DoesNotContain(word, text, StringComparison.OrdinalIgnoreCase)));
    }

    private static IEnumerable<string> AllTexts()
    {
        foreach (var locale in InstrumentCatalog.SupportedLocales)
        {
            foreach (var item in InstrumentCatalog.AllItems)
            {
                var text = InstrumentTexts.For(item.Code, locale);
                yield return text.Question;
                yield return text.SmsPrompt;
                yield return text.Expected;
                yield return text.Title;
                foreach (var anchor in text.Anchors.Values)
                {
                    yield return anchor;
                }
            }

            yield return InstrumentTexts.Thanks(locale);
            yield return InstrumentTexts.NoOpenSurvey(locale);
            yield return InstrumentTexts.MessageNoted(locale);
            yield return InstrumentTexts.Help(locale);
            yield return InstrumentTexts.UrgentCareNote(locale);
            yield return InstrumentTexts.OptedOut(locale);
            yield return InstrumentTexts.OptedIn(locale);
            foreach (var text in WebFormStrings(locale).Values)
            {
                yield return text;
            }
        }
    }

    private static Dictionary<string, string> WebFormStrings(string locale)
    {
        var form = InstrumentTexts.WebForm(locale);
        return typeof(WebFormText).GetProperties()
            .Where(property => property.PropertyType == typeof(string))
            .ToDictionary(property => property.Name, property => (string)property.GetValue(form)!);
    }
}
