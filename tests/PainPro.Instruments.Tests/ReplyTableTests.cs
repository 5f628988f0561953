using PainPro.Instruments;

namespace PainPro.Instruments.Tests;

/// <summary>
/// Real-looking replies and what each one is. The parse half of Ingestion's reply table:
/// what the patient is told back is Ingestion's, built on these results.
/// </summary>
public class ReplyTableTests
{
    private const string Vas = ItemCodes.Vas;
    private const string Analgesic = ItemCodes.Analgesic;

    public static TheoryData<string, string?, ReplyParse> Replies => new()
    {
        // Digits, as asked.
        { Vas, "7", Answer(7) },
        { Vas, " 7 ", Answer(7) },
        { Vas, "7\n", Answer(7) },
        { Vas, "0", Answer(0) },
        { Vas, "10", Answer(10) },
        { Vas, "07", Answer(7) },
        { Vas, "\uFF17", Answer(7) }, // full-width 7 from an East Asian keyboard
        { Vas, "7\u200B", Answer(7) }, // a zero-width space some keyboards add
        { Vas, "7!", Answer(7) },
        { Vas, "7.", Answer(7) },

        // Out of ten.
        { Vas, "7/10", Answer(7) },
        { Vas, "7 / 10", Answer(7) },
        { Vas, "10/10", Answer(10) },
        { Vas, "7 out of 10", Answer(7) },
        { Vas, "seven out of ten", Answer(7) },
        { Vas, "7 de 10", Answer(7) },

        // Words around the number.
        { Vas, "pain 7", Answer(7) },
        { Vas, "Pain: 7", Answer(7) },
        { Vas, "My pain is 7", Answer(7) },
        { Vas, "I'd say a 7", Answer(7) },
        { Vas, "It\u2019s a 3 today, thanks", Answer(3) },
        { Vas, "Tengo un 7", Answer(7) },
        { Vas, "Mi dolor es 7", Answer(7) },
        { Vas, "El dolor está en 4", Answer(4) },

        // Number words, English and Spanish, any case, accents optional.
        { Vas, "seven", Answer(7) },
        { Vas, "Seven.", Answer(7) },
        { Vas, "SEVEN", Answer(7) },
        { Vas, "zero", Answer(0) },
        { Vas, "ten", Answer(10) },
        { Vas, "siete", Answer(7) },
        { Vas, "Siete de diez", Answer(7) },
        { Vas, "seis", Answer(6) },
        { Vas, "Séis", Answer(6) },
        { Vas, "cero", Answer(0) },
        { Vas, "diez", Answer(10) },
        { Vas, "¡Ocho!", Answer(8) },

        // Not a single clean whole number in range: never guessed.
        { Vas, "7.5", NotAnAnswer },
        { Vas, "7,5", NotAnAnswer },
        { Vas, "11", NotAnAnswer },
        { Vas, "-1", NotAnAnswer },
        { Vas, "78", NotAnAnswer },
        { Vas, "100", NotAnAnswer },
        { Vas, "7 or 8", NotAnAnswer },
        { Vas, "7-8", NotAnAnswer },
        { Vas, "between 6 and 7", NotAnAnswer },
        { Vas, "7 7", NotAnAnswer },
        { Vas, "7?", NotAnAnswer },
        { Vas, "not 7", NotAnAnswer },
        { Vas, "7/5", NotAnAnswer },
        { Vas, "7 out of 8", NotAnAnswer },
        { Vas, "no pain", Answer(0) },
        { Vas, "no pain 7", NotAnAnswer },
        { Vas, "no pain medicine", NotAnAnswer },

        // Read as meant (issue 20): a number followed by its own label, "no pain", harmless fillers on the pain item.
        { Vas, "0 (no pain)", Answer(0) },
        { Vas, "10 (worst possible pain)", Answer(10) },
        { Vas, "10 (worst pain imaginable)", Answer(10) },
        { Vas, "10 worst", Answer(10) },
        { Vas, "0 (worst possible pain)", NotAnAnswer },
        { Vas, "10 (no pain)", NotAnAnswer },
        { Vas, "7 (no pain)", NotAnAnswer },
        { Vas, "I have no pain at all", Answer(0) },
        { Vas, "sin dolor", Answer(0) },
        { Vas, "no tengo dolor", Answer(0) },
        { Vas, "no me duele", Answer(0) },
        { Vas, "me duele 7", Answer(7) },
        { Vas, "duele 7", Answer(7) },
        { Vas, "hurts 7", Answer(7) },
        { Vas, "it hurts 7", Answer(7) },
        { Vas, "like a 5", Answer(5) },
        { Vas, "Hi 5", Answer(5) },
        { Vas, "Hola 5", Answer(5) },
        { Vas, "más o menos 5", Answer(5) },
        { Vas, "10 el peor dolor posible", Answer(10) },
        { Vas, "7 please call me", NotAnAnswer },
        { Vas, "hurts when I walk 7", NotAnAnswer },
        { ItemCodes.MstsPain, "no pain", NotAnAnswer },
        { ItemCodes.MstsPain, "me duele 3", NotAnAnswer },
        { ItemCodes.MstsPain, "5 (no pain)", Answer(5) },
        { ItemCodes.MstsSupports, "3 = a brace", Answer(3) },
        { ItemCodes.MstsSupports, "3 two canes", NotAnAnswer },
        { ItemCodes.MstsSupports, "4 in between", NotAnAnswer },
        { ItemCodes.MstsLifting, "3 less than I used to", Answer(3) },
        { ItemCodes.MstsLifting, "3 less", NotAnAnswer }, // one word of a five-word label is not the label
        { Analgesic, "3 = una cantidad mayor", Answer(3) },
        { Analgesic, "mayor", Answer(3) },
        { Analgesic, "1 (less pain medicine)", Answer(1) },
        { Analgesic, "more or less 2", NotAnAnswer },
        { Analgesic, "más o menos 2", NotAnAnswer },
        { Vas, "less", NotAnAnswer },
        { Vas, "it was 8 yesterday, 6 now", NotAnAnswer },
        { Vas, "stop the pain is 7", NotAnAnswer },
        { Vas, "", NotAnAnswer },
        { Vas, "   ", NotAnAnswer },
        { Vas, null, NotAnAnswer },

        // Emoji and exclamation marks around one number only separate: a person reads "8 😭" as 8 without a doubt.
        { Vas, "8 \U0001F62D", Answer(8) },             // 8 😭
        { Vas, "\U0001F62D 9", Answer(9) },             // 😭 9
        { Vas, "8\U0001F62D\U0001F62D", Answer(8) },     // no space, two emoji
        { Vas, "7!!", Answer(7) },
        { Vas, "7 \U0001F44D", Answer(7) },             // 7 👍
        { Vas, "7 \U0001F44D\U0001F3FD", Answer(7) },    // 7 👍🏽 (with a skin tone)
        { Vas, "\u2764\uFE0F 3", Answer(3) },           // ❤️ 3
        { Vas, "pain 6 \U0001F915", Answer(6) },        // pain 6 🤕
        { Vas, "\U0001F1EA\U0001F1F8 siete", Answer(7) }, // 🇪🇸 siete
        { Vas, "\U0001F622 5 \U0001F622", Answer(5) },   // 😢 5 😢
        { Vas, "7\uFE0F\u20E3", Answer(7) },             // 7️⃣, the keycap emoji
        { Vas, "1\uFE0F\u20E30\uFE0F\u20E3", Answer(10) }, // 1️⃣0️⃣
        { Vas, "7\u20E0", NotAnAnswer },                 // 7 in a prohibition circle: "not 7"
        { Vas, "\U0001F623", NotAnAnswer },             // a feeling, but no number
        { Vas, "\u263A", NotAnAnswer },
        { Vas, "7 or 8 \U0001F62D", NotAnAnswer },
        { Vas, "7\U0001F62D8", NotAnAnswer },            // an emoji between digits makes two numbers, never 78
        { Vas, "78 \U0001F62D", NotAnAnswer },
        { Vas, "7.5 \U0001F62D", NotAnAnswer },
        { Vas, "\U0001F62D 11", NotAnAnswer },
        { Vas, "7 \u2753", NotAnAnswer },                // 7 ❓: a question, like "7?"
        { Vas, "\u2796 7", NotAnAnswer },                // ➖ 7
        { Vas, "\u2795 7", NotAnAnswer },                // ➕ 7
        { Vas, "7 \u274C", NotAnAnswer },                // 7 ❌
        { Vas, "\U0001F6AB 7", NotAnAnswer },            // 🚫 7
        { Vas, "7 \U0001F51F", NotAnAnswer },            // 7 🔟: two numbers
        { Vas, "\U0001D7D5", NotAnAnswer },              // mathematical bold 7: astral characters other than emoji are not read
        { Vas, "7?!", NotAnAnswer },

        // Markup, injection and a very long body.
        { Vas, "7\uFFFE", NotAnAnswer },
        { Vas, "7\0", NotAnAnswer },
        { Vas, "\uD83D", NotAnAnswer }, // half an emoji
        { Vas, "\u0667", NotAnAnswer }, // Arabic-Indic 7: other scripts' digits are not read
        { Vas, "<b>7</b>", NotAnAnswer },
        { Vas, "<script>alert(7)</script>", NotAnAnswer },
        { Vas, "7; DROP TABLE responses;--", NotAnAnswer },
        { Vas, "7' OR '1'='1", NotAnAnswer },
        { Vas, new string('7', 2000), NotAnAnswer },
        { Vas, "7" + new string(' ', 1999), NotAnAnswer },
        { Vas, string.Concat(Enumerable.Repeat("pain ", 400)), NotAnAnswer },

        // Carrier keywords: one word, any case, surrounding space and one trailing mark tolerated.
        { Vas, "STOP", OptOut("STOP") },
        { Vas, "stop", OptOut("STOP") },
        { Vas, " Stop. ", OptOut("STOP") },
        { Vas, "StopAll", OptOut("STOPALL") },
        { Vas, "UNSUBSCRIBE", OptOut("UNSUBSCRIBE") },
        { Vas, "cancel", OptOut("CANCEL") },
        { Vas, "End", OptOut("END") },
        { Vas, "quit!", OptOut("QUIT") },
        { Vas, "START", OptIn("START") },
        { Vas, "yes", OptIn("YES") },
        { Vas, "Unstop", OptIn("UNSTOP") },
        { Vas, "HELP", Help("HELP") },
        { Vas, "info?", Help("INFO") },
        { Vas, "help me", NotAnAnswer },
        { Vas, "STOP!!", NotAnAnswer },
        { Vas, "stop sending", NotAnAnswer },

        // Analgesic change: 1–3, or the change in words.
        { Analgesic, "1", Answer(1) },
        { Analgesic, "3", Answer(3) },
        { Analgesic, "4", NotAnAnswer },
        { Analgesic, "0", NotAnAnswer },
        { Analgesic, "less", Answer(1) },
        { Analgesic, "Less pain medicine", Answer(1) },
        { Analgesic, "I'm taking much less", Answer(1) },
        { Analgesic, "about the same", Answer(2) },
        { Analgesic, "Same as before", Answer(2) },
        { Analgesic, "igual", Answer(2) },
        { Analgesic, "Lo mismo", Answer(2) },
        { Analgesic, "MORE", Answer(3) },
        { Analgesic, "Más", Answer(3) },
        { Analgesic, "mas", Answer(3) },
        { Analgesic, "menos", Answer(1) },
        { Analgesic, "Tomo menos pastillas", Answer(1) },
        { Analgesic, "1 (less)", Answer(1) },
        { Analgesic, "3 less", NotAnAnswer },
        { Analgesic, "more or less", NotAnAnswer },
        { Analgesic, "más o menos", NotAnAnswer },
        { Analgesic, "less pain", NotAnAnswer },
        { Analgesic, "no more", NotAnAnswer },
        { Analgesic, "2 pills", NotAnAnswer },
        { Analgesic, "pain 7", NotAnAnswer },
        { Analgesic, "STOP", OptOut("STOP") },
        { Analgesic, "less \U0001F60A", Answer(1) },
        { Analgesic, "\U0001F48A more", Answer(3) },      // 💊 more

        // MSTS: 0–5.
        { ItemCodes.MstsPain, "4", Answer(4) },
        { ItemCodes.MstsWalking, "5", Answer(5) },
        { ItemCodes.MstsGait, "6", NotAnAnswer },
        { ItemCodes.MstsSupports, "3/5", Answer(3) },
        { ItemCodes.MstsDexterity, "cinco", Answer(5) },
        { ItemCodes.MstsLifting, "7/10", NotAnAnswer },
        { ItemCodes.MstsFunction, "more", NotAnAnswer },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void Reply_is_read_as_the_table_says(string itemCode, string? body, ReplyParse expected)
    {
        var parse = ReplyParser.Parse(body, InstrumentCatalog.Item(itemCode));

        Assert.Equal(expected, parse);
    }

    public static TheoryData<string?, string?, ReplyParse> Keywords => new()
    {
        // body, locale, parse. The carriers' English keywords work whatever the locale.
        { "STOP", "es", OptOut("STOP") },
        { "help", "es-MX", Help("HELP") },
        { "start", null, OptIn("START") },

        // Spanish keywords for a Spanish-speaking patient: one word, any case, accents optional.
        { "AYUDA", "es", Help("AYUDA") },
        { "ayuda", "es-MX", Help("AYUDA") },
        { "Ayúda", "es", Help("AYUDA") },
        { "¡Ayuda!", "es", Help("AYUDA") },
        { "¿ayuda?", "es", Help("AYUDA") },
        { " PARAR ", "es", OptOut("PARAR") },
        { "parar.", "es", OptOut("PARAR") },
        { "Párar", "es", OptOut("PARAR") },
        { "BAJA", "es", OptOut("BAJA") },
        { "baja", "es_US", OptOut("BAJA") },
        { "Bajá!", "es", OptOut("BAJA") },
        { "COMENZAR", "es", OptIn("COMENZAR") },
        { "comenzar", "es", OptIn("COMENZAR") },
        { "Comenzár", "es", OptIn("COMENZAR") },

        // Not keywords: in a sentence, twice marked, or for a patient who does not speak Spanish.
        { "ayuda por favor", "es", NotAnAnswer },
        { "quiero parar", "es", NotAnAnswer },
        { "BAJA!!", "es", NotAnAnswer },
        { "¡¡BAJA", "es", NotAnAnswer },
        { "BAJA", "en", NotAnAnswer },
        { "parar", null, NotAnAnswer },
        { "AYUDA", "fr", NotAnAnswer },
        { "COMENZAR", "en-US", NotAnAnswer },
        { "B4JA", "es", NotAnAnswer },
        { "BA\U0001F62DJA", "es", NotAnAnswer },
    };

    [Theory]
    [MemberData(nameof(Keywords))]
    public void Keywords_are_read_for_the_patients_language(string? body, string? locale, ReplyParse expected)
    {
        Assert.Equal(expected, ReplyParser.Parse(body, locale));
        // Whatever item is being asked, a keyword is a keyword, and a non-keyword here is not a VAS answer either.
        Assert.Equal(expected, ReplyParser.Parse(body, InstrumentCatalog.Vas, locale));
    }

    [Theory]
    [InlineData("STOP", ReplyKind.OptOut)]
    [InlineData("start", ReplyKind.OptIn)]
    [InlineData("Help.", ReplyKind.Help)]
    [InlineData("7", ReplyKind.NotAnAnswer)]
    [InlineData("", ReplyKind.NotAnAnswer)]
    [InlineData(null, ReplyKind.NotAnAnswer)]
    public void Without_an_open_item_only_keywords_mean_anything(string? body, ReplyKind expected)
    {
        Assert.Equal(expected, ReplyParser.Parse(body).Kind);
    }

    private static ReplyParse Answer(int value) => ReplyParse.Answer(value);

    private static ReplyParse NotAnAnswer => ReplyParse.NotAnAnswer;

    private static ReplyParse OptOut(string keyword) => new(ReplyKind.OptOut, null, keyword);

    private static ReplyParse OptIn(string keyword) => new(ReplyKind.OptIn, null, keyword);

    private static ReplyParse Help(string keyword) => new(ReplyKind.Help, null, keyword);
}
