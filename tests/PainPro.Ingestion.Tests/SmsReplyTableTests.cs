using PainPro.Ingestion.Sms;
using PainPro.Instruments;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// Real-looking replies, each pinned to what the conversation makes of it and the exact TwiML it answers with.
/// The survey asks VAS then the analgesic change (the day-3 default); a row may ask another item instead.
/// </summary>
public sealed class SmsReplyTableTests
{
    public static TheoryData<string, string, string, SmsOutcome, int?> Replies => new()
    {
        // body, item being asked, locale, outcome, value
        { "7", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { " 7 ", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "7/10", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "7 out of 10", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "pain 7", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "my pain is a 7", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "I'd say 7", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "seven", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "Seven.", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "7!", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "07", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "0", ItemCodes.Vas, "en", SmsOutcome.Answered, 0 },
        { "10", ItemCodes.Vas, "en", SmsOutcome.Answered, 10 },
        { "ten", ItemCodes.Vas, "en", SmsOutcome.Answered, 10 },
        { "siete", ItemCodes.Vas, "es", SmsOutcome.Answered, 7 },
        { "SIETE", ItemCodes.Vas, "es", SmsOutcome.Answered, 7 },
        { "séis", ItemCodes.Vas, "es", SmsOutcome.Answered, 6 },
        { "cero", ItemCodes.Vas, "es", SmsOutcome.Answered, 0 },
        { "diez", ItemCodes.Vas, "es", SmsOutcome.Answered, 10 },
        { "tengo un 7", ItemCodes.Vas, "es", SmsOutcome.Answered, 7 },
        { "7 de 10", ItemCodes.Vas, "es", SmsOutcome.Answered, 7 },
        { "7.5", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7,5", ItemCodes.Vas, "es", SmsOutcome.NotAnAnswer, null },
        { "11", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "-1", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "78", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7 or 8", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7-8", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7 8", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "between 6 and 7", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7?", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "   ", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "😀", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7 😣", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "8 😭", ItemCodes.Vas, "en", SmsOutcome.Answered, 8 },
        { "😭 9", ItemCodes.Vas, "en", SmsOutcome.Answered, 9 },
        { "7!!", ItemCodes.Vas, "en", SmsOutcome.Answered, 7 },
        { "😭 siete 😭", ItemCodes.Vas, "es", SmsOutcome.Answered, 7 },
        { "7 or 8 😭", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7😭8", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7.5 😭", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7 ❓", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "less 💊", ItemCodes.Analgesic, "en", SmsOutcome.Answered, 1 },
        { "<b>7</b>", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "<script>alert(1)</script>", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "7'; DROP TABLE responses; --", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "' OR 1=1 --", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { new string('7', 2000), ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "it hurts a lot", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "stop the pain is 7", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "STOP", ItemCodes.Vas, "en", SmsOutcome.OptedOut, null },
        { "stop", ItemCodes.Vas, "es", SmsOutcome.OptedOut, null },
        { " Stop. ", ItemCodes.Vas, "en", SmsOutcome.OptedOut, null },
        { "UNSUBSCRIBE", ItemCodes.Vas, "en", SmsOutcome.OptedOut, null },
        { "cancel", ItemCodes.Analgesic, "en", SmsOutcome.OptedOut, null },
        { "Quit", ItemCodes.Vas, "en", SmsOutcome.OptedOut, null },
        { "START", ItemCodes.Vas, "en", SmsOutcome.OptedIn, null },
        { "yes", ItemCodes.Vas, "es", SmsOutcome.OptedIn, null },
        { "HELP", ItemCodes.Vas, "en", SmsOutcome.Help, null },
        { "info", ItemCodes.Vas, "es", SmsOutcome.Help, null },
        // Spanish keywords, for Spanish-speaking patients only.
        { "AYUDA", ItemCodes.Vas, "es", SmsOutcome.Help, null },
        { "ayúda", ItemCodes.Analgesic, "es-MX", SmsOutcome.Help, null },
        { "PARAR", ItemCodes.Vas, "es", SmsOutcome.OptedOut, null },
        { "Baja", ItemCodes.Vas, "es", SmsOutcome.OptedOut, null },
        { "¡Bája!", ItemCodes.Vas, "es", SmsOutcome.OptedOut, null },
        { "comenzar", ItemCodes.Vas, "es", SmsOutcome.OptedIn, null },
        { "COMENZÁR", ItemCodes.Analgesic, "es", SmsOutcome.OptedIn, null },
        { "AYUDA", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "baja", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "PARAR", ItemCodes.Analgesic, "en", SmsOutcome.NotAnAnswer, null },
        { "comenzar", ItemCodes.Vas, "en", SmsOutcome.NotAnAnswer, null },
        { "quiero parar", ItemCodes.Vas, "es", SmsOutcome.NotAnAnswer, null },
        { "1", ItemCodes.Analgesic, "en", SmsOutcome.Answered, 1 },
        { "less", ItemCodes.Analgesic, "en", SmsOutcome.Answered, 1 },
        { "about the same", ItemCodes.Analgesic, "en", SmsOutcome.Answered, 2 },
        { "More", ItemCodes.Analgesic, "en", SmsOutcome.Answered, 3 },
        { "menos", ItemCodes.Analgesic, "es", SmsOutcome.Answered, 1 },
        { "lo mismo", ItemCodes.Analgesic, "es", SmsOutcome.Answered, 2 },
        { "más", ItemCodes.Analgesic, "es", SmsOutcome.Answered, 3 },
        { "4", ItemCodes.Analgesic, "en", SmsOutcome.NotAnAnswer, null },
        { "7", ItemCodes.Analgesic, "en", SmsOutcome.NotAnAnswer, null },
        { "more or less", ItemCodes.Analgesic, "en", SmsOutcome.NotAnAnswer, null },
        { "4", ItemCodes.MstsWalking, "en", SmsOutcome.Answered, 4 },
        { "3/5", ItemCodes.MstsWalking, "es", SmsOutcome.Answered, 3 },
        { "6", ItemCodes.MstsWalking, "en", SmsOutcome.NotAnAnswer, null },
    };

    [Theory, MemberData(nameof(Replies))]
    public void Reply_is_parsed_and_answered_with_the_expected_TwiML(string body, string asking, string locale, SmsOutcome outcome, int? value)
    {
        // VAS is followed by the analgesic change; any other item is the last one the text conversation asks.
        IReadOnlyList<ItemDefinition> pending = asking == ItemCodes.Vas
            ? [InstrumentCatalog.Item(ItemCodes.Vas), InstrumentCatalog.Item(ItemCodes.Analgesic)]
            : [InstrumentCatalog.Item(asking)];
        var survey = new SmsSurveyState(locale, pending, FormItemsRemain: false, FormLink: null);

        var turn = SmsConversation.Next(body, survey, locale);

        Assert.Equal((outcome, value), (turn.Outcome, turn.Value));
        Assert.Equal(outcome is SmsOutcome.Answered or SmsOutcome.NotAnAnswer ? asking : null, turn.Item);
        var expectedText = outcome switch
        {
            SmsOutcome.Answered when pending.Count > 1 => InstrumentTexts.For(pending[1].Code, locale).SmsPrompt,
            SmsOutcome.Answered => InstrumentTexts.Thanks(locale),
            SmsOutcome.NotAnAnswer => InstrumentTexts.NotAnAnswer(asking, locale),
            SmsOutcome.OptedOut => InstrumentTexts.OptedOut(locale),
            SmsOutcome.OptedIn => InstrumentTexts.OptedIn(locale),
            SmsOutcome.Help => InstrumentTexts.Help(locale),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        };
        Assert.Equal(ExpectedTwiML(expectedText), TwiML.Reply(turn.Reply));
    }

    [Fact]
    public void A_text_when_no_survey_is_open_gets_the_polite_note_unless_it_is_a_keyword_in_the_patients_language()
    {
        Assert.Equal(SmsOutcome.NoOpenSurvey, SmsConversation.Next("7", survey: null, "es").Outcome);
        Assert.Equal(InstrumentTexts.NoOpenSurvey("es"), SmsConversation.Next("7", survey: null, "es").Reply);
        Assert.Equal(SmsOutcome.OptedOut, SmsConversation.Next("STOP", survey: null, "en").Outcome);
        Assert.Equal(SmsOutcome.Help, SmsConversation.Next("help", survey: null, "en").Outcome);
        Assert.Equal((SmsOutcome.Help, InstrumentTexts.Help("es")), Turn(SmsConversation.Next("AYUDA", survey: null, "es")));
        Assert.Equal((SmsOutcome.OptedOut, InstrumentTexts.OptedOut("es")), Turn(SmsConversation.Next("parar", survey: null, "es")));
        Assert.Equal((SmsOutcome.NoOpenSurvey, InstrumentTexts.NoOpenSurvey("en")), Turn(SmsConversation.Next("AYUDA", survey: null, "en")));
        Assert.True(SmsConversation.IsKeyword("Baja", "es"));
        Assert.False(SmsConversation.IsKeyword("Baja", "en"));

        static (SmsOutcome, string) Turn(SmsTurn turn) => (turn.Outcome, turn.Reply);
    }

    [Fact]
    public void When_every_item_is_answered_a_reply_that_is_no_answer_is_thanked_and_an_answer_revises()
    {
        // The form answered everything; the text the patient replies to still asked VAS.
        var survey = new SmsSurveyState("en", [InstrumentCatalog.Vas, InstrumentCatalog.Analgesic], FormItemsRemain: false, FormLink: null,
            AllAnswered: true);

        var chat = SmsConversation.Next("thanks!", survey, "en");
        var revision = SmsConversation.Next("3", survey, "en");

        Assert.Equal((SmsOutcome.NothingToAsk, InstrumentTexts.Thanks("en")), (chat.Outcome, chat.Reply));
        Assert.Equal((SmsOutcome.Answered, ItemCodes.Vas, 3), (revision.Outcome, revision.Item, revision.Value!.Value));
    }

    [Fact]
    public void When_only_form_items_remain_the_reply_points_to_the_form()
    {
        var survey = new SmsSurveyState("es", [InstrumentCatalog.Analgesic], FormItemsRemain: true, FormLink: "https://painpro.example/s/abc");

        var answered = SmsConversation.Next("2", survey, "es");
        var afterwards = SmsConversation.Next("5", survey with { Pending = [] }, "es");

        Assert.Equal(InstrumentTexts.ContinueOnWeb("es", "https://painpro.example/s/abc"), answered.Reply);
        Assert.Equal((SmsOutcome.NothingToAsk, answered.Reply), (afterwards.Outcome, afterwards.Reply));
    }

    [Fact]
    public void TwiML_escapes_the_message_text_and_no_reply_is_an_empty_Response()
    {
        Assert.Equal("""<?xml version="1.0" encoding="utf-8"?><Response><Message>Tom &amp; Jerry &lt;3 "quoted" 'too' &gt;</Message></Response>""",
            TwiML.Reply("""Tom & Jerry <3 "quoted" 'too' >"""));
        var empty = System.Xml.Linq.XDocument.Parse(TwiML.Reply(null)).Root!;
        Assert.Equal(("Response", false, ""), (empty.Name.LocalName, empty.HasElements, empty.Value));
    }

    /// <summary>The TwiML Twilio expects, built independently of <see cref="TwiML"/>: text nodes escape &amp;, &lt; and &gt;.</summary>
    private static string ExpectedTwiML(string message) =>
        """<?xml version="1.0" encoding="utf-8"?><Response><Message>"""
        + message.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")
        + "</Message></Response>";
}
