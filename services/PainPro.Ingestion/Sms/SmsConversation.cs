using PainPro.Instruments;

namespace PainPro.Ingestion.Sms;

public enum SmsOutcome
{
    /// <summary>The text answered the item being asked, or named an item of the survey to change its answer ("PAIN 5").</summary>
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

/// <summary>Whether a text is shown to staff (DESIGN §6, rule <c>patient-message</c>), and how.</summary>
public enum PatientMessageKind
{
    /// <summary>An answer or a keyword: nothing for staff to read.</summary>
    None,

    /// <summary>Only courtesy words and numbers ("ok", "thanks", "7 or 8"): listed for staff, no alert.</summary>
    SmallTalk,

    /// <summary>Words a person must read ("7 please call me"): listed for staff and on the worklist as an alert.</summary>
    Message,
}

/// <summary>What to do with one inbound text and what to reply.</summary>
public sealed record SmsTurn(SmsOutcome Outcome, string Reply, string? Item = null, int? Value = null, string? Keyword = null,
    PatientMessageKind Message = PatientMessageKind.None)
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
/// <param name="Items">The items of the survey, for a reply that names one to change its answer ("PAIN 5"); none by default.</param>
public sealed record SmsSurveyState(string Locale, IReadOnlyList<ItemDefinition> Pending, bool FormItemsRemain, string? FormLink,
    bool AllAnswered = false, IReadOnlyList<ItemDefinition>? Items = null);

/// <summary>
/// The SMS conversation as a pure function: one item at a time. The first text Messaging sends already asks
/// the first item, so every reply answers the first pending item; the reply reads the value back ("Got it: pain 7 out
/// of 10.") and asks the next question, or thanks (or points to the form for what only the form asks). A reply that
/// names an item of the survey ("PAIN 5", "medicina 2") changes that item's answer, whichever is pending: a new
/// version, the earlier one kept. Keywords win over everything; an opt-in in the middle of a survey asks the open
/// question again. Every text that is neither an answer nor a keyword is shown to staff (<see cref="PatientMessageKind"/>)
/// and answered with how to reach a person (<see cref="CareContact"/>). Every reply fits two SMS segments.
/// </summary>
public static class SmsConversation
{
    /// <param name="locale">The phone's last known locale, for a text with no open survey.</param>
    /// <param name="contact">The facility's care-team phone and emergency number.</param>
    public static SmsTurn Next(string? body, SmsSurveyState? survey, string locale, CareContact? contact = null)
    {
        contact ??= CareContact.Unconfigured;
        if (survey is null)
            return Keyword(ReplyParser.Parse(body, locale), locale, contact, asking: null)
                ?? new SmsTurn(SmsOutcome.NoOpenSurvey, InstrumentTexts.NoOpenSurvey(locale, contact), Message: MessageKind(body));

        var asking = survey.Pending.Count > 0 ? survey.Pending[0] : null;
        var parse = asking is null ? ReplyParser.Parse(body, survey.Locale) : ReplyParser.Parse(body, asking, survey.Locale);
        if (Keyword(parse, survey.Locale, contact, asking) is { } keyword) return keyword;

        if (Correction(body, survey, asking) is { } correction)
        {
            var next = asking is null ? Closing(survey, contact) : Ask(survey.Locale, asking, InstrumentTexts.Recorded(correction.Item, correction.Value, survey.Locale));
            return new SmsTurn(SmsOutcome.Answered, Join(InstrumentTexts.Recorded(correction.Item, correction.Value, survey.Locale), next),
                correction.Item, correction.Value);
        }

        if (asking is not null && parse is { Kind: ReplyKind.Answer, Value: { } value })
        {
            var recorded = InstrumentTexts.Recorded(asking.Code, value, survey.Locale);
            var reply = Join(recorded, survey.Pending.Count > 1 ? Ask(survey.Locale, survey.Pending[1], recorded) : Closing(survey, contact));
            return new SmsTurn(SmsOutcome.Answered, reply, asking.Code, value);
        }

        var message = MessageKind(body);
        // Nothing left to ask (everything is answered, on the form say): a text that is no answer needs no correcting.
        if (asking is null || survey.AllAnswered)
            return new SmsTurn(SmsOutcome.NothingToAsk,
                message == PatientMessageKind.Message ? InstrumentTexts.MessageNoted(survey.Locale, contact) : Closing(survey, contact),
                Message: message);
        return new SmsTurn(SmsOutcome.NotAnAnswer, InstrumentTexts.NotAnAnswer(asking.Code, survey.Locale, contact), asking.Code,
            Message: message);
    }

    /// <summary>Whether a text from a phone with no open survey is a keyword, which is answered at once rather than held.</summary>
    public static bool IsKeyword(string? body, string locale) => ReplyParser.Parse(body, locale).Kind != ReplyKind.NotAnAnswer;

    /// <summary>The text names an item of the survey other than the pending one and answers it: "PAIN 5" while medicine is asked.</summary>
    private static (string Item, int Value)? Correction(string? body, SmsSurveyState survey, ItemDefinition? asking)
    {
        if (ReplyParser.NamedItem(body) is not { } code || code == asking?.Code) return null;
        if (survey.Items?.FirstOrDefault(item => item.Code == code) is not { } named) return null;
        return ReplyParser.ParseNamed(body, named) is { Kind: ReplyKind.Answer, Value: { } value } ? (code, value) : null;
    }

    private static PatientMessageKind MessageKind(string? body) =>
        ReplyParser.IsSmallTalk(body) ? PatientMessageKind.SmallTalk : PatientMessageKind.Message;

    /// <summary>
    /// What comes after <paramref name="lead"/> to ask <paramref name="item"/>: its question, or — should the two not fit
    /// two segments together (a long item after a long read-back) — only how to answer it.
    /// </summary>
    private static string Ask(string locale, ItemDefinition item, string lead)
    {
        var prompt = InstrumentTexts.For(item.Code, locale).SmsPrompt;
        return SmsSegments.FitsBudget(Join(lead, prompt)) ? prompt : InstrumentTexts.ReplyWith(item.Code, locale);
    }

    private static string Closing(SmsSurveyState survey, CareContact contact) =>
        survey.FormItemsRemain && survey.FormLink is { } link
            ? InstrumentTexts.ContinueOnWeb(survey.Locale, link)
            : InstrumentTexts.Thanks(survey.Locale, contact);

    private static SmsTurn? Keyword(ReplyParse parse, string locale, CareContact contact, ItemDefinition? asking) => parse.Kind switch
    {
        ReplyKind.OptOut => new SmsTurn(SmsOutcome.OptedOut, InstrumentTexts.OptedOut(locale), Keyword: parse.Keyword),
        // "YES" in the middle of a survey: the carriers read it as an opt-in, and the open question is asked again.
        ReplyKind.OptIn => new SmsTurn(SmsOutcome.OptedIn,
            asking is null ? InstrumentTexts.OptedIn(locale) : Join(InstrumentTexts.OptedIn(locale), Ask(locale, asking, InstrumentTexts.OptedIn(locale))),
            Keyword: parse.Keyword),
        ReplyKind.Help => new SmsTurn(SmsOutcome.Help, InstrumentTexts.Help(locale, contact), Keyword: parse.Keyword),
        _ => null,
    };

    private static string Join(string first, string second) => $"{first} {second}";
}
