using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// Replies patients really send (issue 20: a clinical reviewer's ~230, the ones above included), each pinned to what the
/// conversation makes of it — the value recorded, whether the open question is asked again, whether a person is shown
/// it (a message with words raises a <c>patient-message</c> alert, high with an urgency word) — and the exact TwiML.
/// The survey asks pain then medicine (the day-3 default); a row may ask another item instead.
/// </summary>
public sealed class SmsReplyTableTests
{
    private static readonly CareContact Contact = new("555-010-0200", "911");

    public enum Staff { None, SmallTalk, Message, Urgent }

    public sealed record Row(string Body, string Asking, string Locale, SmsOutcome Outcome, int? Value, bool AskedAgain, Staff Staff,
        string? Item = null)
    {
        public override string ToString() => $"\"{Body}\" asking {Asking} ({Locale})";
    }

    private const string Vas = ItemCodes.Vas;
    private const string Medicine = ItemCodes.Analgesic;
    private static Row Answer(string body, string asking, string locale, int value, string? item = null, bool askedAgain = false) =>
        new(body, asking, locale, SmsOutcome.Answered, value, askedAgain, Staff.None, item);
    private static Row Asked(string body, string asking, string locale, Staff staff) =>
        new(body, asking, locale, SmsOutcome.NotAnAnswer, null, AskedAgain: true, staff);
    private static Row Keyword(string body, string asking, string locale, SmsOutcome outcome, bool askedAgain = false) =>
        new(body, asking, locale, outcome, null, askedAgain, Staff.None);

    public static TheoryData<Row> Replies => new(
    [
        // Pleas for help: asked again, and in front of a person, high.
        Asked("7 please call me", Vas, "en", Staff.Urgent),
        Asked("7 I need help", Vas, "en", Staff.Urgent),
        Asked("help me", Vas, "en", Staff.Urgent),
        Asked("Pain 9 can't sleep", Vas, "en", Staff.Urgent),
        Asked("My pain is 7 but my leg is swollen and hot", Vas, "en", Staff.Urgent),
        Asked("I fell in the shower last night", Vas, "en", Staff.Urgent),
        Asked("the wound has pus", Medicine, "en", Staff.Urgent),
        Asked("cannot breathe well", Vas, "en", Staff.Urgent),
        Asked("Dolor 9 no puedo dormir", Vas, "es", Staff.Urgent),
        Asked("9 ayuda", Vas, "es", Staff.Urgent),
        Asked("Dolor 9, tengo fiebre", Vas, "es", Staff.Urgent),
        Asked("Llámenme por favor", Vas, "es", Staff.Urgent),
        Asked("tengo la pierna hinchada", Medicine, "es", Staff.Urgent),
        Asked("me caí ayer", Vas, "es", Staff.Urgent),
        // Other words: asked again, a person reads them (low).
        Asked("when is my next appointment?", Vas, "en", Staff.Message),
        Asked("¿Cuándo es mi cita?", Vas, "es", Staff.Message),
        Asked("my daughter answers for me", Vas, "en", Staff.Message),
        Asked("I don't take any", Medicine, "en", Staff.Message),
        Asked("no tomo ninguna", Medicine, "es", Staff.Message),
        Asked("no", Medicine, "en", Staff.Message),
        Asked("baja", Vas, "en", Staff.Message),
        Asked("it hurts a lot", Vas, "en", Staff.Message),
        // Not quite an answer, nothing to read: asked again, listed only.
        Asked("7.5", Vas, "en", Staff.SmallTalk),
        Asked("7 or 8", Vas, "en", Staff.SmallTalk),
        Asked("between 6 and 7", Vas, "en", Staff.SmallTalk),
        Asked("11", Vas, "en", Staff.SmallTalk),
        Asked("ok", Vas, "en", Staff.SmallTalk),
        Asked("Thanks!", Vas, "en", Staff.SmallTalk),
        Asked("gracias", Vas, "es", Staff.SmallTalk),
        Asked("\U0001F44D", Vas, "en", Staff.SmallTalk),
        Asked("4", Medicine, "en", Staff.SmallTalk),
        // Answers as asked.
        Answer("7", Vas, "en", 7),
        Answer("7/10", Vas, "en", 7),
        Answer("7 out of 10", Vas, "en", 7),
        Answer("pain 7", Vas, "en", 7),
        Answer("my pain is a 7", Vas, "en", 7),
        Answer("seven", Vas, "en", 7),
        Answer("siete", Vas, "es", 7),
        Answer("tengo un 7", Vas, "es", 7),
        Answer("8 \U0001F62D", Vas, "en", 8),
        // Read as meant: a number with its own label, "no pain", harmless words around a number on the pain item.
        Answer("0 (no pain)", Vas, "en", 0),
        Answer("10 (worst pain imaginable)", Vas, "en", 10),
        Answer("10 (worst possible pain)", Vas, "en", 10),
        Answer("10 worst", Vas, "en", 10),
        Answer("no pain", Vas, "en", 0),
        Answer("sin dolor", Vas, "es", 0),
        Answer("me duele 7", Vas, "es", 7),
        Answer("duele 7", Vas, "es", 7),
        Answer("hurts 7", Vas, "en", 7),
        Answer("like a 5", Vas, "en", 5),
        Answer("Hi 5", Vas, "en", 5),
        Answer("Hola 5", Vas, "es", 5),
        Answer("más o menos 5", Vas, "es", 5),
        // The medicine item, its words, and what a patient who takes none is told to answer.
        Answer("1", Medicine, "en", 1),
        Answer("less", Medicine, "en", 1),
        Answer("about the same", Medicine, "en", 2),
        Answer("1 (less pain medicine)", Medicine, "en", 1),
        Answer("More", Medicine, "en", 3),
        Answer("menos", Medicine, "es", 1),
        Answer("la misma cantidad", Medicine, "es", 2),
        Answer("una cantidad mayor", Medicine, "es", 3),
        Answer("más", Medicine, "es", 3),
        // A late "3" is medicine (the read-back says so); naming the pain item changes the pain answer instead.
        Answer("3", Medicine, "en", 3),
        Answer("pain 5", Medicine, "en", 5, item: Vas, askedAgain: true),
        Answer("PAIN 3", Medicine, "en", 3, item: Vas, askedAgain: true),
        Answer("dolor 5", Medicine, "es", 5, item: Vas, askedAgain: true),
        // MSTS by text.
        Answer("4", ItemCodes.MstsWalking, "en", 4),
        Answer("3/5", ItemCodes.MstsWalking, "es", 3),
        Answer("3 = a brace", ItemCodes.MstsSupports, "en", 3),
        Asked("6", ItemCodes.MstsWalking, "en", Staff.SmallTalk),
        // Keywords: single words, for nobody to read; YES in the middle of a survey asks the question again.
        Keyword("STOP", Vas, "en", SmsOutcome.OptedOut),
        Keyword("stop", Vas, "es", SmsOutcome.OptedOut),
        Keyword("PARAR", Vas, "es", SmsOutcome.OptedOut),
        Keyword("Baja", Vas, "es", SmsOutcome.OptedOut),
        Keyword("HELP", Vas, "en", SmsOutcome.Help),
        Keyword("AYUDA", Vas, "es", SmsOutcome.Help),
        Keyword("YES", Vas, "en", SmsOutcome.OptedIn, askedAgain: true),
        Keyword("yes", Medicine, "es", SmsOutcome.OptedIn, askedAgain: true),
        Keyword("START", Vas, "en", SmsOutcome.OptedIn, askedAgain: true),
        Keyword("comenzar", Vas, "es", SmsOutcome.OptedIn, askedAgain: true),
    ]);

    [Fact]
    public void The_table_holds_at_least_sixty_replies_in_both_languages()
    {
        var rows = ((IEnumerable<object?[]>)Replies).Select(r => (Row)r[0]!).ToList();
        Assert.True(rows.Count >= 60, $"{rows.Count} rows");
        Assert.True(rows.Count(r => r.Locale == "es") >= 20);
        Assert.Equal(rows.Count, rows.Select(r => (r.Body, r.Asking, r.Locale)).Distinct().Count());
    }

    [Theory, MemberData(nameof(Replies))]
    public void Reply_is_read_as_meant_and_answered_with_the_expected_TwiML(Row row)
    {
        // Pain is followed by medicine; medicine is the last item; any other item is the last one the text conversation asks.
        IReadOnlyList<ItemDefinition> pending = row.Asking == Vas
            ? [InstrumentCatalog.Vas, InstrumentCatalog.Analgesic]
            : [InstrumentCatalog.Item(row.Asking)];
        var survey = new SmsSurveyState(row.Locale, pending, FormItemsRemain: false, FormLink: null,
            Items: [InstrumentCatalog.Vas, InstrumentCatalog.Analgesic, .. pending.Where(p => ItemCodes.IsMsts(p.Code))]);

        var turn = SmsConversation.Next(row.Body, survey, row.Locale, Contact);
        var urgent = UrgencyWords.Find(row.Body);

        Assert.Equal((row.Outcome, row.Value), (turn.Outcome, turn.Value));
        var staff = turn.Message switch
        {
            PatientMessageKind.None => Staff.None,
            _ when urgent.Count > 0 => Staff.Urgent,
            PatientMessageKind.Message => Staff.Message,
            _ => Staff.SmallTalk,
        };
        Assert.Equal(row.Staff, staff);
        var answered = row.Item ?? row.Asking;
        var asking = InstrumentTexts.For(row.Asking, row.Locale);
        var expectedText = row.Outcome switch
        {
            SmsOutcome.Answered when row.Item is not null => $"{InstrumentTexts.Recorded(answered, row.Value!.Value, row.Locale)} {asking.SmsPrompt}",
            SmsOutcome.Answered when pending.Count > 1 => Fixtures.Then(answered, row.Value!.Value, pending[1].Code, row.Locale),
            SmsOutcome.Answered => Fixtures.ThenThanks(answered, row.Value!.Value, row.Locale, Contact),
            SmsOutcome.NotAnAnswer => InstrumentTexts.NotAnAnswer(row.Asking, row.Locale, Contact),
            SmsOutcome.OptedOut => InstrumentTexts.OptedOut(row.Locale),
            // The question again, or — where the two would need a third segment (Spanish medicine) — how to answer it.
            SmsOutcome.OptedIn when SmsSegments.FitsBudget($"{InstrumentTexts.OptedIn(row.Locale)} {asking.SmsPrompt}") =>
                $"{InstrumentTexts.OptedIn(row.Locale)} {asking.SmsPrompt}",
            SmsOutcome.OptedIn => $"{InstrumentTexts.OptedIn(row.Locale)} {InstrumentTexts.ReplyWith(row.Asking, row.Locale)}",
            SmsOutcome.Help => InstrumentTexts.Help(row.Locale, Contact),
            _ => throw new ArgumentOutOfRangeException(nameof(row)),
        };
        Assert.Equal(ExpectedTwiML(expectedText), TwiML.Reply(turn.Reply));
        // Asked again: the reply ends by asking the open question (in full, or how to answer it).
        Assert.Equal(row.AskedAgain, turn.Reply.EndsWith(asking.SmsPrompt, StringComparison.Ordinal)
            || turn.Reply.Contains(InstrumentTexts.ReplyWith(row.Asking, row.Locale), StringComparison.Ordinal));
        if (row.Staff is not Staff.None)
            Assert.Contains(Contact.CareTeamPhone!, turn.Reply); // whoever wrote is told how to reach a person
        Assert.True(SmsSegments.FitsBudget(turn.Reply), $"{SmsSegments.Count(turn.Reply)}: {turn.Reply}");
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

        Assert.Equal($"{InstrumentTexts.Recorded(ItemCodes.Analgesic, 2, "es")} {InstrumentTexts.ContinueOnWeb("es", "https://painpro.example/s/abc")}",
            answered.Reply);
        Assert.Equal((SmsOutcome.NothingToAsk, InstrumentTexts.ContinueOnWeb("es", "https://painpro.example/s/abc")), (afterwards.Outcome, afterwards.Reply));
    }

    [Fact]
    public void A_message_after_everything_is_answered_is_for_staff_and_the_patient_is_told_whom_to_call()
    {
        var survey = new SmsSurveyState("en", [], FormItemsRemain: false, FormLink: null, AllAnswered: true, Items: [InstrumentCatalog.Vas, InstrumentCatalog.Analgesic]);
        var contact = new CareContact("555-010-0200", "112");

        var message = SmsConversation.Next("my knee is swollen again", survey, "en", contact);
        var thanks = SmsConversation.Next("thanks", survey, "en", contact);
        var correction = SmsConversation.Next("pain 4", survey, "en", contact);

        Assert.Equal((SmsOutcome.NothingToAsk, PatientMessageKind.Message, InstrumentTexts.MessageNoted("en", contact)),
            (message.Outcome, message.Message, message.Reply));
        Assert.Contains("555-010-0200", message.Reply);
        Assert.Contains("112", message.Reply);
        Assert.Equal((SmsOutcome.NothingToAsk, PatientMessageKind.SmallTalk), (thanks.Outcome, thanks.Message));
        Assert.Equal((SmsOutcome.Answered, ItemCodes.Vas, 4, Fixtures.ThenThanks(ItemCodes.Vas, 4, "en", contact)),
            (correction.Outcome, correction.Item, correction.Value!.Value, correction.Reply));
    }

    [Fact]
    public void Without_a_care_team_phone_the_texts_say_to_call_the_number_the_team_gave()
    {
        var reply = SmsConversation.Next("call me please", survey: null, "es");

        Assert.Equal((SmsOutcome.NoOpenSurvey, PatientMessageKind.Message), (reply.Outcome, reply.Message));
        Assert.Contains("llame al teléfono que le dieron", reply.Reply);
        Assert.Contains("llame al 911", reply.Reply);
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
