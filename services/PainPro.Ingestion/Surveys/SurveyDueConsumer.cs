using MassTransit;
using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Data;
using PainPro.Phones;

namespace PainPro.Ingestion.Surveys;

/// <summary>
/// Opens a survey on its first send and refreshes it on each reminder: the phone it may be answered from,
/// the link token's hash, the locale and the window. A closed survey is not reopened by a late reminder.
/// The upsert is idempotent (an attempt never goes back), so a repeated message needs no inbox row. Texts from the
/// survey's phone that came before it opened and wait for it are handled in the same transaction (<see cref="EarlyReplies"/>).
/// </summary>
public sealed class SurveyDueConsumer(IngestionDb db, SurveyLinks links, EarlyReplies earlyReplies, ILogger<SurveyDueConsumer> logger)
    : IConsumer<SurveyDue>
{
    private static string Upsert(SqlDialect dialect) => dialect.IsSqlServer
        ? """
          MERGE surveys WITH (HOLDLOCK) AS s
          USING (SELECT @SurveyId AS id, @Channel AS channel, @Locale AS locale, @Phone AS phone, @TokenHash AS token_hash,
                        @TokenProtected AS token_protected, @ExpiresAt AS expires_at, @Attempt AS attempt) AS v ON s.id = v.id
          WHEN MATCHED AND s.status = 'open' AND s.attempt <= v.attempt THEN UPDATE SET
              channel = v.channel,
              locale = v.locale,
              phone = v.phone,
              token_hash = v.token_hash,
              token_protected = v.token_protected,
              expires_at = v.expires_at,
              attempt = v.attempt,
              refreshed_at = @Now
          WHEN NOT MATCHED THEN INSERT (id, enrollment_id, patient_id, timepoint, instruments, items, channel, locale, phone,
                                        token_hash, token_protected, expires_at, attempt, status, opened_at, refreshed_at, last_activity_at)
              VALUES (@SurveyId, @EnrollmentId, @PatientId, @Timepoint, @Instruments, @Items, @Channel, @Locale, @Phone,
                      @TokenHash, @TokenProtected, @ExpiresAt, @Attempt, 'open', @Now, @Now, @Now);
          """
        : """
        INSERT INTO surveys (id, enrollment_id, patient_id, timepoint, instruments, items, channel, locale, phone,
                             token_hash, token_protected, expires_at, attempt, status, opened_at, refreshed_at, last_activity_at)
        VALUES (@SurveyId, @EnrollmentId, @PatientId, @Timepoint, @Instruments, @Items, @Channel, @Locale, @Phone,
                @TokenHash, @TokenProtected, @ExpiresAt, @Attempt, 'open', @Now, @Now, @Now)
        ON CONFLICT (id) DO UPDATE SET
            channel = excluded.channel,
            locale = excluded.locale,
            phone = excluded.phone,
            token_hash = excluded.token_hash,
            token_protected = excluded.token_protected,
            expires_at = excluded.expires_at,
            attempt = excluded.attempt,
            refreshed_at = excluded.refreshed_at
        WHERE surveys.status = 'open' AND surveys.attempt <= excluded.attempt
        """;

    public Task Consume(ConsumeContext<SurveyDue> context) =>
        db.InTransactionAsync(session => ApplyAsync(context.Message, session), context.CancellationToken);

    /// <summary>The effect of one message, inside the caller's transaction.</summary>
    internal async Task ApplyAsync(SurveyDue message, DbSession session)
    {
        // Contracts are non-nullable, but a message from outside may still lack fields; a survey without them is still opened.
        var requested = message.Instruments ?? [];
        var unknown = requested.Where(code => !InstrumentCatalog.IsInstrument(code)).ToList();
        if (unknown.Count > 0)
            logger.LogWarning("Survey {SurveyId} names unknown instruments {Instruments}; their items are left out",
                message.SurveyId, unknown);
        var instruments = requested.Where(InstrumentCatalog.IsInstrument).ToList();

        var hasToken = !string.IsNullOrWhiteSpace(message.LinkToken);
        var phone = PhoneNumber.Normalize(message.Contact?.Phone);
        await session.ExecuteAsync(Upsert(session.Dialect), new
        {
            message.SurveyId,
            message.EnrollmentId,
            message.PatientId,
            message.Timepoint,
            Instruments = SurveyRecord.Join(instruments),
            Items = SurveyRecord.Join(InstrumentCatalog.ItemsOf(instruments).Select(item => item.Code)),
            message.Channel,
            Locale = string.IsNullOrWhiteSpace(message.Locale) ? InstrumentCatalog.DefaultLocale : message.Locale,
            Phone = phone,
            TokenHash = hasToken ? SurveyLinks.Hash(message.LinkToken) : null,
            TokenProtected = hasToken ? links.Protect(message.LinkToken) : null,
            message.ExpiresAt,
            message.Attempt,
            Now = session.Clock.GetUtcNow(),
        });
        if (phone is not null) await earlyReplies.ReleaseIfWaitingAsync(session, phone);
    }
}
