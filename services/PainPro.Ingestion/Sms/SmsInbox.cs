using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Surveys;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Data;
using PainPro.Phones;

namespace PainPro.Ingestion.Sms;

/// <summary>An inbound text as Twilio delivered it (signature already checked).</summary>
public sealed record InboundSms(string MessageSid, string From, string Body);

/// <summary>
/// Stores each inbound text (unique on MessageSid) and handles it once. A repeat of a MessageSid, even a concurrent
/// one, gets the reply stored for the first delivery and changes nothing.
/// </summary>
/// <remarks>
/// <para>Early replies (DESIGN §7): Messaging sends a survey and Ingestion opens it from the same <see cref="SurveyDue"/>,
/// in no order, so a text from a number with no open survey may answer a survey being opened this very moment. A
/// keyword is answered at once; any other such text is stored as waiting and answered with an empty TwiML. When a
/// survey opens for the number (<see cref="SurveyDueConsumer"/>), the next text from it arrives, or
/// <see cref="EarlyReplies"/> finds one open, the waiting texts are handled in the order they came and their replies
/// texted through <see cref="SendSmsReply"/>; a text still waiting after <see cref="SmsOptions.EarlyReplyHold"/> gets
/// the usual "no questionnaire waiting" the same way.</para>
/// </remarks>
public sealed class SmsInbox(
    IngestionDb db,
    PhoneConversations conversations,
    IOptionsMonitor<IngestionOptions> options,
    ILogger<SmsInbox> logger)
{
    /// <summary>
    /// Claims the MessageSid: stores the text, or counts one more delivery of a stored one. The row stays locked until
    /// the transaction ends, so concurrent deliveries of one MessageSid are handled one after another, and the later
    /// ones read the reply the first one stored.
    /// </summary>
    private static string Claim(SqlDialect dialect) => dialect.IsSqlServer
        ? $"""
          MERGE inbound_sms WITH (HOLDLOCK) AS i USING (SELECT @MessageSid AS message_sid) AS v ON i.message_sid = v.message_sid
          WHEN MATCHED THEN UPDATE SET deliveries = i.deliveries + 1
          WHEN NOT MATCHED THEN INSERT (message_sid, from_phone, body, received_at, deliveries) VALUES (@MessageSid, @From, @Body, @Now, 1)
          {dialect.Output(StoredText.Columns)};
          """
        : $"""
        INSERT INTO inbound_sms (message_sid, from_phone, body, received_at, deliveries)
        VALUES (@MessageSid, @From, @Body, @Now, 1)
        ON CONFLICT (message_sid) DO UPDATE SET deliveries = inbound_sms.deliveries + 1
        RETURNING {StoredText.Columns}
        """;

    /// <summary>The text alone, unhandled (no reply): what is kept when handling it failed.</summary>
    private static string StoreUnhandled(SqlDialect dialect) => dialect.IsSqlServer
        ? """
          INSERT INTO inbound_sms (message_sid, from_phone, body, received_at, deliveries)
          SELECT @MessageSid, @From, @Body, @Now, 0
          WHERE NOT EXISTS (SELECT 1 FROM inbound_sms WITH (UPDLOCK, HOLDLOCK) WHERE message_sid = @MessageSid)
          """
        : """
        INSERT INTO inbound_sms (message_sid, from_phone, body, received_at, deliveries)
        VALUES (@MessageSid, @From, @Body, @Now, 0)
        ON CONFLICT (message_sid) DO NOTHING
        """;

    /// <summary>Returns the text to answer with in the webhook's TwiML; null for none (the text waits for its survey).</summary>
    public async Task<string?> ReceiveAsync(InboundSms sms, CancellationToken ct)
    {
        var text = new TextRow(sms.MessageSid, PhoneNumber.Normalize(sms.From) ?? sms.From, sms.Body, db.Clock.GetUtcNow());
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

    private async Task<string?> ClaimAndHandleAsync(DbSession session, TextRow text)
    {
        var messageSid = text.MessageSid;
        var stored = await session.QuerySingleOrDefaultAsync<StoredText>(Claim(session.Dialect), text)
            ?? throw new InvalidOperationException($"Inbound text {messageSid} could not be stored.");
        if (stored.HandledAt is not null)
        {
            logger.LogDebug("Text {MessageSid} was delivered again; answering as before", messageSid);
            // A reply texted separately (the text waited for its survey) is not given a second time.
            return stored.ReplyVia is null or ReplyVia.TwiML ? conversations.RevealReply(stored.Reply) : null;
        }
        if (stored.IsWaiting)
        {
            // Still waiting: whatever releases it (a survey opening, the hold passing) texts its reply.
            return null;
        }

        var phone = stored.FromPhone;
        var survey = await conversations.LockSurveyAsync(session, phone);
        if (survey is not null)
        {
            var (reply, _) = await conversations.HandleInOrderAsync(session, phone, survey, current: stored);
            logger.LogDebug("Text {MessageSid} for survey {SurveyId} answered", messageSid, survey.Survey.Id);
            return reply;
        }

        var history = await PhoneConversations.HistoryAsync(session, phone);
        if (SmsConversation.IsKeyword(stored.Body, history.Locale))
        {
            var turn = await conversations.TakeTurnAsync(session, null, history, phone, stored);
            await conversations.FinishAsync(session, messageSid, turn, surveyId: null, ReplyVia.TwiML);
            logger.LogDebug("Text {MessageSid} is the keyword {Keyword}", messageSid, turn.Keyword);
            return turn.Reply;
        }

        var holdUntil = stored.ReceivedAt + options.CurrentValue.Sms.EarlyReplyHold;
        await session.ExecuteAsync("UPDATE inbound_sms SET outcome = @waiting, hold_until = @holdUntil WHERE message_sid = @messageSid",
            new { waiting = nameof(SmsOutcome.Waiting), holdUntil, messageSid });
        logger.LogInformation("Text {MessageSid} came from a number with no open survey; it waits for one until {HoldUntil}", messageSid, holdUntil);
        return null;
    }

    private async Task TryStoreUnhandledAsync(TextRow text, Exception failure)
    {
        try
        {
            // Not the request's token: the text is kept even when the caller has gone.
            await db.InTransactionAsync(session => session.ExecuteAsync(StoreUnhandled(session.Dialect), text), CancellationToken.None);
        }
        catch (Exception storeFailure)
        {
            // The database is most likely unreachable; the caller's error (a 5xx) makes Twilio try the fallback URL.
            logger.LogWarning("An inbound text could not be stored either after handling it failed ({Failure}): {StoreFailure}",
                failure.GetType().Name, storeFailure.Message);
        }
    }

    /// <summary>An inbound_sms row as first stored (<c>From</c> normalised).</summary>
    private sealed record TextRow(string MessageSid, string From, string Body, DateTimeOffset Now);
}
