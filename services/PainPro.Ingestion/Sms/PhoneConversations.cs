using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Surveys;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;
using PainPro.Ingestion.Telemetry;

namespace PainPro.Ingestion.Sms;

/// <summary>An inbound_sms row as stored.</summary>
public sealed record StoredText
{
    public const string Columns = """
        message_sid AS MessageSid, from_phone AS FromPhone, body AS Body, received_at AS ReceivedAt, outcome AS Outcome,
        reply AS Reply, reply_via AS ReplyVia, handled_at AS HandledAt
        """;

    public string MessageSid { get; init; } = "";
    public string FromPhone { get; init; } = "";
    public string Body { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string? Outcome { get; init; }
    public string? Reply { get; init; }
    public string? ReplyVia { get; init; }
    public DateTimeOffset? HandledAt { get; init; }

    public bool IsWaiting => HandledAt is null && Outcome == nameof(SmsOutcome.Waiting);
}

/// <summary>How a handled text's reply reached the patient (<c>inbound_sms.reply_via</c>).</summary>
public static class ReplyVia
{
    /// <summary>In the webhook's own TwiML answer.</summary>
    public const string TwiML = "twiml";

    /// <summary>Texted afterwards through <see cref="SendSmsReply"/>: the text was handled after its webhook had answered.</summary>
    public const string Sms = "sms";

    /// <summary>Not sent: the text was handled late and the number had opted out meanwhile.</summary>
    public const string Withheld = "withheld";
}

/// <summary>A phone's survey, locked for this transaction, as the text conversation sees it; updated as texts are handled.</summary>
public sealed class SurveyConversation(SurveyRecord survey, Dictionary<string, int> answers, HashSet<string> textAnswered)
{
    public SurveyRecord Survey { get; } = survey;

    /// <summary>The survey's current answers, by item.</summary>
    public Dictionary<string, int> Answers { get; set; } = answers;

    /// <summary>Items that have had an answer by text (any version): the conversation has asked them.</summary>
    public HashSet<string> TextAnswered { get; } = textAnswered;

    /// <summary>Texts from the phone were waiting for a survey when it was locked.</summary>
    public bool TextsWaiting { get; init; }

    /// <summary>The enrollment's facility (null until its <c>EnrollmentCreated</c> arrives): whom the patient is told to call.</summary>
    public string? Facility { get; init; }

    /// <summary>
    /// The enrollment's history and unresolved alert as read with the lock, for the first answer recorded; null once
    /// an answer has changed them (the next turn reads them again).
    /// </summary>
    public EnrollmentHistory? History { get; set; }
}

/// <summary>What Ingestion knows of a phone without an open survey: its latest survey's language, patient and facility.</summary>
public sealed record PhoneHistory(string Locale, PatientOfPhone? Patient, string? Facility)
{
    public static PhoneHistory Unknown { get; } = new(InstrumentCatalog.DefaultLocale, null, null);
}

/// <summary>
/// The text conversation on the database: finds and locks a phone's survey, takes one text's turn (records the
/// answer, publishes opt-outs and opt-ins), and handles texts that waited for a survey, in the order they came.
/// Everything runs in the caller's transaction. Locks are always taken survey first, then texts, so that the webhook,
/// <see cref="SurveyDueConsumer"/> and <see cref="EarlyReplies"/> never wait on each other in a circle.
/// </summary>
public sealed class PhoneConversations(
    ResponseRecorder recorder,
    SurveyLinks links,
    FacilityContacts contacts,
    PatientMessages messages,
    IOptionsMonitor<IngestionOptions> options,
    ILogger<PhoneConversations> logger,
    PainProMetrics? metrics = null)
{
    /// <summary>The newest survey the phone may answer by text (open, or completed with its window still open).</summary>
    private static string NewestSurvey(SqlDialect dialect) => $"""
        SELECT id FROM surveys WHERE phone = @phone AND status IN ('open', 'completed') AND expires_at > @now
        ORDER BY opened_at DESC, id DESC {dialect.Limit("1")}
        """;

    /// <summary>
    /// One round trip: lock the phone's newest survey for this transaction (a reply may revise a form's answer, so a
    /// completed survey in its window counts), then read its answers, every version with its source, count the phone's
    /// texts waiting for a survey (almost always none: then they need no second look), and read what an answer will
    /// need of the enrollment — its facility, its surveys' scores and its unresolved alert. The
    /// answers must be read by a statement of their own: under PostgreSQL's READ COMMITTED a statement that waited for
    /// the lock still reads other tables as they were when it began, so a text racing another text or a form for one
    /// survey would miss the answer that made it wait. Read afterwards, the second sees it.
    /// </summary>
    private static string LockNewestSurvey(SqlDialect dialect)
    {
        var enrollment = "(" + NewestEnrollment(dialect) + ")";
        // Appended rather than interpolated: each statement stays whole for TSqlParseTests' scan of SQL Server's texts.
        return LockAndRead(dialect) + EnrollmentHistory.Select(enrollment) + ";\n" + AlertBook.SelectUnresolved(enrollment) + ";\n";
    }

    private static string LockAndRead(SqlDialect dialect) => $"""
        UPDATE surveys SET last_activity_at = @now{dialect.Output(SurveyRecord.Columns)}
        WHERE id = ({NewestSurvey(dialect)}) AND status IN ('open', 'completed'){dialect.Returning(SurveyRecord.Columns)};
        SELECT survey_id AS SurveyId, item AS Item, value AS Value, source AS Source,
               CASE WHEN superseded_at IS NULL THEN 1 ELSE 0 END AS IsCurrent
        FROM responses WHERE survey_id = ({NewestSurvey(dialect)});
        {CountWaiting};
        SELECT e.facility FROM enrollments e WHERE e.id = ({NewestEnrollment(dialect)});

        """;

    private static string NewestEnrollment(SqlDialect dialect) => $"SELECT s.enrollment_id FROM surveys s WHERE s.id = ({NewestSurvey(dialect)})";

    private const string CountWaiting =
        "SELECT COUNT(*) FROM inbound_sms WHERE from_phone = @phone AND outcome = 'Waiting' AND handled_at IS NULL";

    private const string Finish = """
        UPDATE inbound_sms SET reply = @Reply, outcome = @Outcome, survey_id = @SurveyId, handled_at = @Now, reply_via = @Via,
                               reply_id = @ReplyId
        WHERE message_sid = @MessageSid AND handled_at IS NULL
        """;

    /// <summary>A text shown to staff: how, its urgency words, its enrollment and the alert it raised or joined.</summary>
    private const string MarkForStaff = """
        UPDATE inbound_sms SET for_staff = @ForStaff, urgent_words = @UrgentWords, enrollment_id = @EnrollmentId, alert_id = @AlertId
        WHERE message_sid = @MessageSid
        """;

    /// <summary>A reply as <see cref="FinishAsync"/> kept it, readable again (null when there was none).</summary>
    public string? RevealReply(string? kept) => kept is null ? null : links.RevealReply(kept);

    public async Task<SurveyConversation?> LockSurveyAsync(DbSession session, string phone)
    {
        List<AnswerRow> answers;
        SurveyRecord? survey;
        long waiting;
        string? facility;
        EnrollmentHistory history;
        await using (var results = await session.QueryMultipleAsync(LockNewestSurvey(session.Dialect), new { phone, now = session.Clock.GetUtcNow() }))
        {
            survey = (await results.ReadAsync<SurveyRecord>()).SingleOrDefault();
            answers = [.. await results.ReadAsync<AnswerRow>()];
            waiting = await results.ReadSingleAsync<long>();
            facility = (await results.ReadAsync<string?>()).SingleOrDefault();
            history = EnrollmentHistory.From([.. await results.ReadAsync<EnrollmentHistory.Row>()])
                .WithUnresolved((await results.ReadAsync<AlertRecord>()).SingleOrDefault());
        }
        if (survey is null) return null;
        var sameSurvey = history.Surveys.Any(s => s.SurveyId == survey.Id);
        if (answers.Any(a => a.SurveyId != survey.Id))
        {
            // A newer survey for the phone committed between the two statements: read the locked one's answers.
            answers = [.. await session.QueryAsync<AnswerRow>("""
                SELECT survey_id AS SurveyId, item AS Item, value AS Value, source AS Source,
                       CASE WHEN superseded_at IS NULL THEN 1 ELSE 0 END AS IsCurrent
                FROM responses WHERE survey_id = @Id
                """, new { survey.Id })];
        }
        return new SurveyConversation(survey,
            answers.Where(a => a.IsCurrent == 1).ToDictionary(a => a.Item, a => a.Value),
            [.. answers.Where(a => a.Source == ResponseSources.Sms).Select(a => a.Item)])
        {
            TextsWaiting = waiting > 0,
            Facility = facility,
            // Read for a newer survey that committed between the statements: the recorder reads its own.
            History = sameSurvey ? history : null,
        };
    }

    private sealed record AnswerRow
    {
        public Guid SurveyId { get; init; }
        public string Item { get; init; } = "";
        public int Value { get; init; }
        public string Source { get; init; } = "";
        public int IsCurrent { get; init; }
    }

    /// <summary>The phone's latest survey, whatever its state: the language to answer in, the patient, the facility.</summary>
    public static async Task<PhoneHistory> HistoryAsync(DbSession session, string phone)
    {
        var row = await session.QuerySingleOrDefaultAsync<HistoryRow>($"""
            SELECT s.locale AS Locale, s.enrollment_id AS EnrollmentId, s.patient_id AS PatientId, s.id AS SurveyId,
                   s.timepoint AS Timepoint, e.facility AS Facility
            FROM surveys s LEFT JOIN enrollments e ON e.id = s.enrollment_id
            WHERE s.phone = @phone ORDER BY s.opened_at DESC, s.id DESC {session.Dialect.Limit("1")}
            """, new { phone });
        return row is null
            ? PhoneHistory.Unknown
            : new PhoneHistory(row.Locale, new PatientOfPhone(row.EnrollmentId, row.PatientId, row.SurveyId, row.Timepoint), row.Facility);
    }

    private sealed record HistoryRow
    {
        public string Locale { get; init; } = InstrumentCatalog.DefaultLocale;
        public Guid EnrollmentId { get; init; }
        public Guid PatientId { get; init; }
        public Guid SurveyId { get; init; }
        public string Timepoint { get; init; } = "";
        public string? Facility { get; init; }
    }

    /// <summary>
    /// One text's turn against the phone's survey (or none, with what is known of the phone): the answer recorded, an
    /// opt-out or opt-in published, a message put in front of staff (<see cref="NotifyStaffAsync"/>).
    /// </summary>
    public async Task<SmsTurn> TakeTurnAsync(DbSession session, SurveyConversation? survey, PhoneHistory? history, string phone,
        StoredText text)
    {
        var locale = survey?.Survey.Locale ?? history?.Locale ?? InstrumentCatalog.DefaultLocale;
        var contact = contacts.For(survey is null ? history?.Facility : survey.Facility);
        using var activity = IngestionTelemetry.StartReply(survey?.Survey.Id);
        var turn = SmsConversation.Next(text.Body, survey is null ? null : StateOf(survey), locale, contact);
        IngestionTelemetry.FinishReply(activity, session, turn.Outcome, metrics);
        switch (turn.Outcome)
        {
            case SmsOutcome.Answered:
                var recorded = await recorder.RecordAsync(session, survey!.Survey, [new Answer(turn.Item!, turn.Value!.Value)],
                    ResponseSources.Sms, enteredBy: null, answeredAt: text.ReceivedAt, currentAnswers: survey.Answers, history: survey.History);
                survey.History = null;
                survey.Answers = new Dictionary<string, int>(recorded.Answers);
                survey.TextAnswered.Add(turn.Item!);
                break;
            case SmsOutcome.OptedOut:
                await session.PublishAsync(new PatientOptedOut(phone, turn.Keyword!, session.Clock.GetUtcNow()));
                break;
            case SmsOutcome.OptedIn:
                await session.PublishAsync(new PatientOptedIn(phone, turn.Keyword!, session.Clock.GetUtcNow()));
                break;
        }
        if (turn.Message != PatientMessageKind.None)
        {
            var patient = survey is null ? history?.Patient
                : new PatientOfPhone(survey.Survey.EnrollmentId, survey.Survey.PatientId, survey.Survey.Id, survey.Survey.Timepoint);
            await NotifyStaffAsync(session, text, turn.Message, patient);
        }
        return turn;
    }

    /// <summary>
    /// A text that is neither an answer nor a keyword (DESIGN §6, <c>patient-message</c>): marked for the Portal's
    /// lists and, when it holds words a person must read and the phone's enrollment is known, raised as (or added to)
    /// the enrollment's alert — high with an urgency word.
    /// </summary>
    private async Task NotifyStaffAsync(DbSession session, StoredText text, PatientMessageKind kind, PatientOfPhone? patient)
    {
        var urgent = messages.UrgencyOf(text.Body);
        Guid? alertId = null;
        if (patient is not null && (kind == PatientMessageKind.Message || urgent.Count > 0))
            alertId = await messages.RaiseAsync(session, patient, text.Body, urgent);
        await session.Write(MarkForStaff, new
        {
            ForStaff = kind == PatientMessageKind.Message || urgent.Count > 0 ? PatientMessageKinds.Message : PatientMessageKinds.SmallTalk,
            UrgentWords = urgent.Count > 0 ? string.Join(", ", urgent) : null,
            patient?.EnrollmentId,
            AlertId = alertId,
            text.MessageSid,
        });
        if (patient is null)
            logger.LogInformation("Text {MessageSid} came from a number PainPro has no survey for; it is listed for staff with no patient", text.MessageSid);
        else if (alertId is not null)
            logger.LogInformation("Text {MessageSid} is a message for staff ({Severity}) on alert {AlertId}", text.MessageSid,
                urgent.Count > 0 ? "urgent" : "not urgent", alertId);
    }

    /// <summary>
    /// Records how a text was handled and what it was answered, once. The reply is kept encrypted: one that sends the
    /// patient on to the web form holds the link, and no service keeps a link token in plain text.
    /// </summary>
    public Task FinishAsync(DbSession session, string messageSid, SmsTurn turn, Guid? surveyId, string via, Guid? replyId = null) =>
        session.Write(Finish, new
        {
            Reply = links.ProtectReply(turn.Reply), Outcome = turn.Outcome.ToString(), SurveyId = surveyId, Now = session.Clock.GetUtcNow(), Via = via, ReplyId = replyId,
            MessageSid = messageSid,
        });

    /// <summary>
    /// Handles the phone's waiting texts in the order they came — against <paramref name="survey"/> when one is open,
    /// else only those whose hold has passed — and <paramref name="current"/> (the webhook's text) in its place among
    /// them. Each waiting text's reply is texted through <see cref="SendSmsReply"/>; the current one's is returned for
    /// the webhook's TwiML. The waiting rows are locked first: a text another transaction is handling is skipped.
    /// </summary>
    /// <returns>The current text's reply (null without one), and how many texts were handled.</returns>
    public async Task<(string? Reply, int Handled)> HandleInOrderAsync(DbSession session, string phone, SurveyConversation? survey,
        StoredText? current = null)
    {
        var now = session.Clock.GetUtcNow();
        // A text with its survey open, and nothing waiting when the survey was locked, is the common case: no second look.
        var waiting = survey is { TextsWaiting: false } && current is not null ? [] : (await session.QueryAsync<StoredText>($"""
            SELECT {StoredText.Columns} FROM inbound_sms{session.Dialect.LockHint}
            WHERE from_phone = @phone AND outcome = 'Waiting' AND handled_at IS NULL AND (@open = 1 OR hold_until <= @now)
            ORDER BY received_at, message_sid{session.Dialect.ForUpdate}
            """, new { phone, open = survey is not null ? 1 : 0, now })).ToList();
        if (current is not null && waiting.All(w => w.MessageSid != current.MessageSid))
            waiting.Add(current);
        waiting = [.. waiting.OrderBy(w => w.ReceivedAt).ThenBy(w => w.MessageSid, StringComparer.Ordinal)];

        var history = survey is null && waiting.Count > 0 ? await HistoryAsync(session, phone) : null;
        string? reply = null;
        foreach (var text in waiting)
        {
            var turn = await TakeTurnAsync(session, survey, history, phone, text);
            if (text.MessageSid == current?.MessageSid)
            {
                await FinishAsync(session, text.MessageSid, turn, survey?.Survey.Id, ReplyVia.TwiML);
                reply = turn.Reply;
                continue;
            }

            // Handled after its webhook answered: the reply the patient would have had goes out as a text of its own,
            // unless the number opted out meanwhile (the confirmation of an opt-out or opt-in always goes).
            if (!turn.IsKeyword && await OptedOutAsync(session, phone))
            {
                await FinishAsync(session, text.MessageSid, turn, survey?.Survey.Id, ReplyVia.Withheld);
                continue;
            }
            var replyId = Guid.CreateVersion7();
            await FinishAsync(session, text.MessageSid, turn, survey?.Survey.Id, ReplyVia.Sms, replyId);
            await session.PublishAsync(new SendSmsReply(replyId, phone, turn.Reply, text.MessageSid, now));
            logger.LogInformation("Text {MessageSid} waited {Waited} for a survey and was handled ({Outcome}) against {SurveyId}; its reply is texted",
                text.MessageSid, now - text.ReceivedAt, turn.Outcome, survey?.Survey.Id);
        }
        return (reply, waiting.Count);
    }

    /// <summary>The phone's latest keyword was an opt-out (an opt-in after it undoes it).</summary>
    private static async Task<bool> OptedOutAsync(DbSession session, string phone) =>
        await session.QuerySingleOrDefaultAsync<string?>($"""
            SELECT outcome FROM inbound_sms WHERE from_phone = @phone AND outcome IN ('OptedOut', 'OptedIn')
            ORDER BY received_at DESC, message_sid DESC {session.Dialect.Limit("1")}
            """, new { phone }) == nameof(SmsOutcome.OptedOut);

    private SmsSurveyState StateOf(SurveyConversation conversation)
    {
        var survey = conversation.Survey;
        var askMsts = options.CurrentValue.Sms.AskMstsByText;
        var items = survey.ItemDefinitions;
        var byText = items.Where(item => (askMsts || !ItemCodes.IsMsts(item.Code)) && !conversation.TextAnswered.Contains(item.Code)).ToList();
        var formOnly = items.Any(item => !askMsts && ItemCodes.IsMsts(item.Code) && !conversation.Answers.ContainsKey(item.Code));
        return new SmsSurveyState(survey.Locale, byText, formOnly, formOnly ? links.LinkFor(survey.TokenProtected) : null,
            AllAnswered: items.All(item => conversation.Answers.ContainsKey(item.Code)),
            Items: [.. items.Where(item => askMsts || !ItemCodes.IsMsts(item.Code))]);
    }
}

/// <summary><c>inbound_sms.for_staff</c>: how a text is shown to staff (<see cref="PatientMessageKind"/>).</summary>
public static class PatientMessageKinds
{
    public const string Message = "message";
    public const string SmallTalk = "small-talk";
}
