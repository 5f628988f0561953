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
/// Stores each inbound text first (unique on MessageSid), then handles it once. A repeat of a MessageSid,
/// even a concurrent one, gets the reply stored for the first delivery and changes nothing.
/// </summary>
public sealed class SmsInbox(
    IngestionDb db,
    ResponseRecorder recorder,
    SurveyLinks links,
    IOptionsMonitor<IngestionOptions> options,
    ILogger<SmsInbox> logger)
{
    /// <summary>Returns the text to answer with.</summary>
    public async Task<string> ReceiveAsync(InboundSms sms, CancellationToken ct)
    {
        // Stored in its own transaction: the text is kept even if handling it fails.
        await db.InTransactionAsync(session => session.ExecuteAsync("""
            INSERT INTO inbound_sms (message_sid, from_phone, body, received_at, deliveries)
            VALUES (@MessageSid, @From, @Body, @Now, 0)
            ON CONFLICT (message_sid) DO NOTHING
            """, new { sms.MessageSid, From = PhoneNumbers.Normalize(sms.From) ?? sms.From, sms.Body, Now = db.Clock.GetUtcNow() }), ct);

        return await db.InTransactionAsync(async session =>
        {
            // The UPDATE locks the row, so concurrent deliveries of one MessageSid are handled one after another.
            await session.ExecuteAsync("UPDATE inbound_sms SET deliveries = deliveries + 1 WHERE message_sid = @MessageSid", new { sms.MessageSid });
            var stored = await session.QuerySingleOrDefaultAsync<StoredSms>("""
                SELECT from_phone AS FromPhone, body AS Body, reply AS Reply FROM inbound_sms WHERE message_sid = @MessageSid
                """, new { sms.MessageSid }) ?? throw new InvalidOperationException($"Inbound text {sms.MessageSid} vanished.");
            if (stored.Reply is not null)
            {
                logger.LogInformation("Text {MessageSid} was delivered again; answering as before", sms.MessageSid);
                return stored.Reply;
            }

            var (turn, surveyId) = await HandleAsync(session, stored.FromPhone, stored.Body);
            await session.ExecuteAsync("""
                UPDATE inbound_sms SET reply = @Reply, outcome = @Outcome, survey_id = @surveyId, handled_at = @now
                WHERE message_sid = @MessageSid
                """, new { turn.Reply, Outcome = turn.Outcome.ToString(), surveyId, now = session.Clock.GetUtcNow(), sms.MessageSid });
            logger.LogInformation("Text {MessageSid} for survey {SurveyId}: {Outcome} {Item}", sms.MessageSid, surveyId, turn.Outcome, turn.Item);
            return turn.Reply;
        }, ct);
    }

    private async Task<(SmsTurn Turn, Guid? SurveyId)> HandleAsync(DbSession session, string phone, string body)
    {
        var now = session.Clock.GetUtcNow();
        var survey = await NewestOpenSurveyAsync(session, phone, now);
        SmsSurveyState? state = null;
        var locale = survey?.Locale ?? await LastKnownLocaleAsync(session, phone);
        IReadOnlyDictionary<string, int> answered = new Dictionary<string, int>();
        if (survey is not null)
        {
            answered = await ResponseRecorder.CurrentAnswersAsync(session, survey.Id);
            state = StateOf(survey, answered);
        }

        var turn = SmsConversation.Next(body, state, locale);
        switch (turn.Outcome)
        {
            case SmsOutcome.Answered:
                await recorder.RecordAsync(session, survey!, [new Answer(turn.Item!, turn.Value!.Value)], ResponseSources.Sms, enteredBy: null);
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

    /// <summary>
    /// The newest open survey the phone may answer, locked for this transaction: with two open, the newest wins;
    /// two texts racing for one survey are handled one after another.
    /// </summary>
    private static async Task<SurveyRecord?> NewestOpenSurveyAsync(DbSession session, string phone, DateTimeOffset now)
    {
        var id = await session.QuerySingleOrDefaultAsync<Guid?>("""
            SELECT id FROM surveys WHERE phone = @phone AND status = 'open' AND expires_at > @now
            ORDER BY opened_at DESC, id DESC LIMIT 1
            """, new { phone, now });
        if (id is null) return null;
        var locked = await session.ExecuteAsync(
            "UPDATE surveys SET last_activity_at = @now WHERE id = @id AND status = 'open'", new { id, now });
        if (locked == 0) return null;
        return await session.QuerySingleOrDefaultAsync<SurveyRecord>($"SELECT {SurveyRecord.Columns} FROM surveys WHERE id = @id", new { id });
    }

    private static async Task<string> LastKnownLocaleAsync(DbSession session, string phone) =>
        await session.QuerySingleOrDefaultAsync<string?>(
            "SELECT locale FROM surveys WHERE phone = @phone ORDER BY opened_at DESC, id DESC LIMIT 1", new { phone })
        ?? InstrumentCatalog.DefaultLocale;

    private sealed record StoredSms
    {
        public string FromPhone { get; init; } = "";
        public string Body { get; init; } = "";
        public string? Reply { get; init; }
    }
}
