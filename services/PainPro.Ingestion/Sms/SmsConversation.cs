using PainPro.Instruments;

namespace PainPro.Ingestion.Sms;

public enum SmsOutcome
{
    /// <summary>The text answered the item being asked.</summary>
    Answered,

    /// <summary>The text did not cleanly answer the item; it stays open and the reply says what is expected.</summary>
    NotAnAnswer,
    OptedOut,
    OptedIn,
    Help,

    /// <summary>No survey is open for the phone, and none opened while the text waited for one.</summary>
    NoOpenSurvey,

    /// <summary>A survey is open but the text conversation has nothing left to ask (the rest is on the form, or all is answered).</summary>
    NothingToAsk,

    /// <summary>No survey is open for the phone yet: the text waits for one to open (DESIGN §7, early replies).</summary>
    Waiting,
}

/// <summary>What to do with one inbound text and what to reply.</summary>
public sealed record SmsTurn(SmsOutcome Outcome, string Reply, string? Item = null, int? Value = null, string? Keyword = null)
{
    public bool IsKeyword => Outcome is SmsOutcome.OptedOut or SmsOutcome.OptedIn or SmsOutcome.Help;
}

/// <summary>The text side of an open survey.</summary>
/// <param name="Locale">The patient's language.</param>
/// <param name="Pending">
/// Items the text conversation asks and has not had a text answer to yet, in order; the first is the question in flight.
/// Items answered on the form still count as pending here: the text the patient is replying to asked them, so a reply
/// to it revises the form's answer.
/// </param>
/// <param name="FormItemsRemain">Unanswered items that only the web form asks (MSTS, by default).</param>
/// <param name="FormLink">The survey's web form, when it can be given.</param>
/// <param name="AllAnswered">Every item of the survey has an answer, however given.</param>
public sealed record SmsSurveyState(string Locale, IReadOnlyList<ItemDefinition> Pending, bool FormItemsRemain, string? FormLink,
    bool AllAnswered = false);

/// <summary>
/// The SMS conversation as a pure function: one item at a time. The first text Messaging sends already asks
/// the first item, so every reply answers the first pending item; the answer to it is the next question,
/// or thanks (or a pointer to the form for what only the form asks). Keywords win over everything.
/// </summary>
public static class SmsConversation
{
    /// <param name="locale">The phone's last known locale, for a text with no open survey.</param>
    public static SmsTurn Next(string? body, SmsSurveyState? survey, string locale)
    {
        if (survey is null)
            return Keyword(ReplyParser.Parse(body, locale), locale) ?? new SmsTurn(SmsOutcome.NoOpenSurvey, InstrumentTexts.NoOpenSurvey(locale));

        var asking = survey.Pending.Count > 0 ? survey.Pending[0] : null;
        var parse = asking is null ? ReplyParser.Parse(body, survey.Locale) : ReplyParser.Parse(body, asking, survey.Locale);
        if (Keyword(parse, survey.Locale) is { } keyword) return keyword;
        if (asking is null) return new SmsTurn(SmsOutcome.NothingToAsk, Closing(survey));

        if (parse is { Kind: ReplyKind.Answer, Value: { } value })
        {
            var reply = survey.Pending.Count > 1 ? InstrumentTexts.For(survey.Pending[1].Code, survey.Locale).SmsPrompt : Closing(survey);
            return new SmsTurn(SmsOutcome.Answered, reply, asking.Code, value);
        }
        // Everything is answered (on the form, say): a text that is no answer needs no correcting, only thanks.
        if (survey.AllAnswered) return new SmsTurn(SmsOutcome.NothingToAsk, Closing(survey));
        return new SmsTurn(SmsOutcome.NotAnAnswer, InstrumentTexts.NotAnAnswer(asking.Code, survey.Locale), asking.Code);
    }

    /// <summary>Whether a text from a phone with no open survey is a keyword, which is answered at once rather than held.</summary>
    public static bool IsKeyword(string? body, string locale) => ReplyParser.Parse(body, locale).Kind != ReplyKind.NotAnAnswer;

    private static string Closing(SmsSurveyState survey) =>
        survey.FormItemsRemain && survey.FormLink is { } link
            ? InstrumentTexts.ContinueOnWeb(survey.Locale, link)
            : InstrumentTexts.Thanks(survey.Locale);

    private static SmsTurn? Keyword(ReplyParse parse, string locale) => parse.Kind switch
    {
        ReplyKind.OptOut => new SmsTurn(SmsOutcome.OptedOut, InstrumentTexts.OptedOut(locale), Keyword: parse.Keyword),
        ReplyKind.OptIn => new SmsTurn(SmsOutcome.OptedIn, InstrumentTexts.OptedIn(locale), Keyword: parse.Keyword),
        ReplyKind.Help => new SmsTurn(SmsOutcome.Help, InstrumentTexts.Help(locale), Keyword: parse.Keyword),
        _ => null,
    };
}
