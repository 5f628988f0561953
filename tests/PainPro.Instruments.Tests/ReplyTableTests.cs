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
        { Vas, "no pain", NotAnAnswer },
        { Vas, "less", NotAnAnswer },
        { Vas, "it was 8 yesterday, 6 now", NotAnAnswer },
        { Vas, "stop the pain is 7", NotAnAnswer },
        { Vas, "", NotAnAnswer },
        { Vas, "   ", NotAnAnswer },
        { Vas, null, NotAnAnswer },

        // Emoji, markup, injection and a very long body.
        { Vas, "\U0001F623", NotAnAnswer },
        { Vas, "7 \U0001F44D", NotAnAnswer },
        { Vas, "\u263A", NotAnAnswer },
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
