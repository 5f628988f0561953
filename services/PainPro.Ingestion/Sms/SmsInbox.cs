using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Surveys;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Sms;

/// <summary>An inbound text as Twilio delivered it (signature already checked).</summary>
public sealed record InboundSms(string MessageSid, string From, string Body);

/// <summary>
/// Stores each inbound text (unique on MessageSid) and handles it once. A repeat of a MessageSid, even a concurrent
/// one, gets the reply stored for the first delivery and changes nothing.
/// </summary>
public sealed class SmsInbox(
    IngestionDb db,
    ResponseRecorder recorder,
    SurveyLinks links,
    IOptionsMonitor<IngestionOptions> options,
    ILogger<SmsInbox> logger)
{
    /// <summary>
    /// Claims the MessageSid: stores the text, or counts one more delivery of a stored one. The row stays locked until
    /// the transaction ends, so concurrent deliveries of one MessageSid are handled one after another, and the later
    /// ones read the reply the first one stored.
    /// </summary>
    private const string Claim = """
        INSERT INTO inbound_sms (message_sid, from_phone, body, received_at, deliveries)
        VALUES (@MessageSid, @From, @Body, @Now, 1)
        ON CONFLICT (message_sid) DO UPDATE SET deliveries = inbound_sms.deliveries + 1
        RETURNING from_phone AS FromPhone, body AS Body, reply AS Reply
        """;

    /// <summary>The text alone, unhandled (no reply): what is kept when handling it failed.</summary>
    private const string StoreUnhandled = """
        INSERT INTO inbound_sms (message_sid, from_phone, body, received_at, deliveries)
        VALUES (@MessageSid, @From, @Body, @Now, 0)
        ON CONFLICT (message_sid) DO NOTHING
        """;

    /// <summary>
    /// The newest open survey the phone may answer, locked for this transaction, with its answers so far
    /// (<c>item=value,…</c>, read after the lock): with two open, the newest wins; two texts racing for one survey
    /// are handled one after another, the second seeing the first one's answer. One round trip for what every text needs.
    /// </summary>
    private static readonly string LockNewestOpenSurvey = $"""
        UPDATE surveys SET last_activity_at = @now
        WHERE id = (SELECT id FROM surveys WHERE phone = @phone AND status = 'open' AND expires_at > @now
                    ORDER BY opened_at DESC, id DESC LIMIT 1)
          AND status = 'open'
        RETURNING {SurveyRecord.Columns},
                  (SELECT string_agg(r.item || '=' || r.value, ',') FROM responses r WHERE r.survey_id = surveys.id) AS Answers
        """;

    /// <summary>Returns the text to answer with.</summary>
    public async Task<string> ReceiveAsync(InboundSms sms, CancellationToken ct)
    {
        var text = new TextRow(sms.MessageSid, PhoneNumbers.Normalize(sms.From) ?? sms.From, sms.Body, db.Clock.GetUtcNow());
        try
        {
            // Stored and handled in one transaction: a handled text commits with its effects and its reply.
            return await db.InTransactionAsync(session => ClaimAndHandleAsync(session, text), ct);
        }
        catch (Exception failure)
        {
            // Handling failed, was cancelled or could not commit: the text itself must still be kept, so that a later
            // delivery of it (Twilio's retry, the fallback URL) handles it, and no patient's answer is lost unseen.
            await TryStoreUnhandledAsync(text, failure);
            throw;
        }
    }

    private async Task<string> ClaimAndHandleAsync(DbSession session, TextRow text)
    {
        var messageSid = text.MessageSid;
        var stored = await session.QuerySingleOrDefaultAsync<StoredSms>(Claim, text)
            ?? throw new InvalidOperationException($"Inbound text {messageSid} could not be stored.");
        if (stored.Reply is not null)
        {
            logger.LogDebug("Text {MessageSid} was delivered again; answering as before", messageSid);
            return links.RevealReply(stored.Reply);
        }

        var (turn, surveyId) = await HandleAsync(session, stored.FromPhone, stored.Body);
        await session.ExecuteAsync("""
            UPDATE inbound_sms SET reply = @Reply, outcome = @Outcome, survey_id = @surveyId, handled_at = @now
            WHERE message_sid = @messageSid
            """, new { Reply = links.ProtectReply(turn.Reply), Outcome = turn.Outcome.ToString(), surveyId, now = session.Clock.GetUtcNow(), messageSid });
        logger.LogDebug("Text {MessageSid} for survey {SurveyId}: {Outcome} {Item}", messageSid, surveyId, turn.Outcome, turn.Item);
        return turn.Reply;
    }

    private async Task TryStoreUnhandledAsync(TextRow text, Exception failure)
    {
        try
        {
            // Not the request's token: the text is kept even when the caller has gone.
            await db.InTransactionAsync(session => session.ExecuteAsync(StoreUnhandled, text), CancellationToken.None);
        }
        catch (Exception storeFailure)
        {
            // The database is most likely unreachable; the caller's error (a 5xx) makes Twilio try the fallback URL.
            logger.LogWarning("An inbound text could not be stored either after handling it failed ({Failure}): {StoreFailure}",
                failure.GetType().Name, storeFailure.Message);
        }
    }

    private async Task<(SmsTurn Turn, Guid? SurveyId)> HandleAsync(DbSession session, string phone, string body)
    {
        var now = session.Clock.GetUtcNow();
        var (survey, answered) = await LockNewestOpenSurveyAsync(session, phone, now);
        var locale = survey?.Locale ?? await LastKnownLocaleAsync(session, phone);
        var state = survey is null ? null : StateOf(survey, answered);

        var turn = SmsConversation.Next(body, state, locale);
        switch (turn.Outcome)
        {
            case SmsOutcome.Answered:
                await recorder.RecordAsync(session, survey!, [new Answer(turn.Item!, turn.Value!.Value)], ResponseSources.Sms,
                    enteredBy: null, currentAnswers: answered);
                break;
            case SmsOutcome.OptedOut:
                await session.PublishAsync(new PatientOptedOut(phone, turn.Keyword!, now));
                break;
            case SmsOutcome.OptedIn:
                await session.PublishAsync(new PatientOptedIn(phone, turn.Keyword!, now));
                break;
        }
        return (turn, survey?.Id);
    }

    private SmsSurveyState StateOf(SurveyRecord survey, IReadOnlyDictionary<string, int> answered)
    {
        var askMsts = options.CurrentValue.Sms.AskMstsByText;
        var unanswered = survey.ItemDefinitions.Where(item => !answered.ContainsKey(item.Code)).ToList();
        var byText = unanswered.Where(item => askMsts || !ItemCodes.IsMsts(item.Code)).ToList();
        var formOnly = unanswered.Count > byText.Count;
        return new SmsSurveyState(survey.Locale, byText, formOnly, formOnly ? links.LinkFor(survey.TokenProtected) : null);
    }

    private static async Task<(SurveyRecord? Survey, IReadOnlyDictionary<string, int> Answers)> LockNewestOpenSurveyAsync(
        DbSession session, string phone, DateTimeOffset now)
    {
        var locked = (await session.Connection.QueryAsync<SurveyRecord, string?, (SurveyRecord Survey, string? Answers)>(
            LockNewestOpenSurvey, (survey, answers) => (survey, answers), new { phone, now }, session.Transaction, splitOn: "Answers"))
            .SingleOrDefault();
        var answers = (locked.Answers ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('='))
            .ToDictionary(pair => pair[0], pair => int.Parse(pair[1], CultureInfo.InvariantCulture));
        return (locked.Survey, answers);
    }

    private static async Task<string> LastKnownLocaleAsync(DbSession session, string phone) =>
        await session.QuerySingleOrDefaultAsync<string?>(
            "SELECT locale FROM surveys WHERE phone = @phone ORDER BY opened_at DESC, id DESC LIMIT 1", new { phone })
        ?? InstrumentCatalog.DefaultLocale;

    /// <summary>An inbound_sms row as first stored (<c>From</c> normalised).</summary>
    private sealed record TextRow(string MessageSid, string From, string Body, DateTimeOffset Now);

    private sealed record StoredSms
    {
        public string FromPhone { get; init; } = "";
        public string Body { get; init; } = "";
        public string? Reply { get; init; }
    }
}
