using Dapper;
using Microsoft.Extensions.Logging;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Sms;

/// <summary>
/// Releases texts that waited for their survey (see <see cref="SmsInbox"/>): when a survey opens for their number
/// (<see cref="ReleaseIfWaitingAsync"/>, from <see cref="Surveys.SurveyDueConsumer"/>), and on every due-work tick for
/// numbers whose survey opened without releasing them (a text stored while the survey's transaction committed) or whose
/// hold has passed. Each text is handled once: its row is locked and must still be waiting.
/// </summary>
public sealed class EarlyReplies(IngestionDb db, PhoneConversations conversations, ILogger<EarlyReplies> logger) : IDueWork
{
    private const int PhonesPerRun = 100;

    public string Name => "ingestion-early-replies";

    /// <summary>
    /// Surveys for <paramref name="phones"/> opened in this transaction: their waiting texts are handled now, each
    /// number once however many of its surveys opened.
    /// </summary>
    public async Task ReleaseIfWaitingAsync(DbSession session, IEnumerable<string> phones)
    {
        // Ordered, so two transactions at once lock their common numbers' surveys in the same order.
        foreach (var chunk in phones.Distinct().Order(StringComparer.Ordinal).Chunk(PhonesPerRun))
        {
            // The common case, no text waiting, costs one read of a small partial index for the whole batch and no lock.
            var waiting = await session.QueryAsync<string>(
                $"SELECT DISTINCT from_phone FROM inbound_sms WHERE {session.Dialect.InStrings("from_phone", "phones")} AND outcome = 'Waiting' AND handled_at IS NULL",
                new { phones = chunk });
            foreach (var phone in waiting.Order(StringComparer.Ordinal)) await ReleaseAsync(session, phone);
        }
    }

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var phones = await db.ReadAsync(async c => (await c.QueryAsync<string>($"""
            SELECT DISTINCT {db.Dialect.Top("@limit")}i.from_phone FROM inbound_sms i
            WHERE i.outcome = 'Waiting' AND i.handled_at IS NULL
              AND (i.hold_until <= @now
                   OR EXISTS (SELECT 1 FROM surveys s WHERE s.phone = i.from_phone AND s.status IN ('open', 'completed') AND s.expires_at > @now))
            {db.Dialect.LimitUnordered("@limit")}
            """, new { now = db.Clock.GetUtcNow(), limit = PhonesPerRun })).ToList(), ct);

        var handled = 0;
        foreach (var phone in phones)
        {
            // One transaction per number: one number's failure does not hold up the others' replies.
            try
            {
                handled += await db.InTransactionAsync(session => ReleaseAsync(session, phone), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Waiting texts of a number could not be handled; retrying on the next run");
            }
        }
        return handled;
    }

    /// <summary>Locks the number's survey (if one is open), then its waiting texts, and handles them.</summary>
    private async Task<int> ReleaseAsync(DbSession session, string phone)
    {
        var survey = await conversations.LockSurveyAsync(session, phone);
        var (_, handled) = await conversations.HandleInOrderAsync(session, phone, survey);
        return handled;
    }
}
