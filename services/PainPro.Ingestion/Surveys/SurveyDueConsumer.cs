using MassTransit;
using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Phones;

namespace PainPro.Ingestion.Surveys;

/// <summary>
/// Opens a survey on its first send and refreshes it on each reminder: the phone it may be answered from,
/// the link token's hash, the locale and the window. A closed survey is not reopened by a late reminder.
/// The upsert is idempotent (an attempt never goes back), so a repeated message needs no inbox row. Texts from the
/// survey's phone that came before it opened and wait for it are handled in the same transaction (<see cref="EarlyReplies"/>).
/// A batch of messages commits once, its surveys written by one statement (<see cref="BatchTransactions"/>: a message
/// that fails the batch is applied on its own, so the others still commit).
/// </summary>
public sealed class SurveyDueConsumer(IngestionDb db, SurveyLinks links, EarlyReplies earlyReplies, ILogger<SurveyDueConsumer> logger)
    : IConsumer<Batch<SurveyDue>>
{
    /// <summary>Up to 50 messages a batch, handed over 20 ms after the first at the latest, two batches at once.</summary>
    public static readonly ConsumerBatch Batching = new(50, TimeSpan.FromMilliseconds(20), 2);

    private static string Upsert(SqlDialect dialect, string table) => dialect.IsSqlServer
        ? $"""
          WITH {table}
          MERGE surveys WITH (HOLDLOCK) AS s
          USING due AS v ON s.id = v.id
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
              VALUES (v.id, v.enrollment_id, v.patient_id, v.timepoint, v.instruments, v.items, v.channel, v.locale, v.phone,
                      v.token_hash, v.token_protected, v.expires_at, v.attempt, 'open', @Now, @Now, @Now);
          """
        // "WHERE true": SQLite would otherwise read ON CONFLICT as part of the SELECT's join.
        : $"""
        WITH {table}
        INSERT INTO surveys (id, enrollment_id, patient_id, timepoint, instruments, items, channel, locale, phone,
                             token_hash, token_protected, expires_at, attempt, status, opened_at, refreshed_at, last_activity_at)
        SELECT id, enrollment_id, patient_id, timepoint, instruments, items, channel, locale, phone,
               token_hash, token_protected, expires_at, attempt, 'open', @Now, @Now, @Now
        FROM due WHERE true
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

    public Task Consume(ConsumeContext<Batch<SurveyDue>> context) =>
        ConsumeAsync(context.Message.Select(m => m.Message).ToList(), context.CancellationToken);

    /// <summary>A batch as it arrives: one transaction, or one per message when the batch's fails.</summary>
    internal Task ConsumeAsync(IReadOnlyList<SurveyDue> messages, CancellationToken ct) =>
        BatchTransactions.ApplyAsync(db, messages, ApplyAsync, logger, ct);

    /// <summary>The effect of one message, inside the caller's transaction.</summary>
    internal Task ApplyAsync(SurveyDue message, DbSession session) => ApplyAsync([message], session);

    /// <summary>The effect of a batch of messages, in the order given, inside the caller's transaction.</summary>
    internal async Task ApplyAsync(IReadOnlyList<SurveyDue> messages, DbSession session)
    {
        // One statement cannot touch a survey twice: of one survey's messages the highest attempt wins, as it would
        // applied one by one (a lower one after it changes nothing; of equal ones the later). Sorted by id, so two
        // batches at once lock their common surveys in the same order.
        var rows = messages.Select(ToRow)
            .GroupBy(row => row.Id)
            .Select(survey => survey.Aggregate((kept, next) => next.Attempt >= kept.Attempt ? next : kept))
            .OrderBy(row => row.Id)
            .ToList();
        var now = session.Clock.GetUtcNow();
        foreach (var chunk in rows.Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = session.Dialect.Rows("due", chunk,
                RowColumn.Of<DueRow, Guid>("id", r => r.Id),
                RowColumn.Of<DueRow, Guid>("enrollment_id", r => r.EnrollmentId),
                RowColumn.Of<DueRow, Guid>("patient_id", r => r.PatientId),
                RowColumn.Of<DueRow, string>("timepoint", r => r.Timepoint),
                RowColumn.Of<DueRow, string>("instruments", r => r.Instruments),
                RowColumn.Of<DueRow, string>("items", r => r.Items),
                RowColumn.Of<DueRow, string>("channel", r => r.Channel),
                RowColumn.Of<DueRow, string>("locale", r => r.Locale),
                RowColumn.Of<DueRow, string?>("phone", r => r.Phone),
                RowColumn.Of<DueRow, string?>("token_hash", r => r.TokenHash),
                RowColumn.Of<DueRow, string?>("token_protected", r => r.TokenProtected),
                RowColumn.Of<DueRow, DateTimeOffset>("expires_at", r => r.ExpiresAt),
                RowColumn.Of<DueRow, int>("attempt", r => r.Attempt));
            parameters.Add("Now", now);
            await session.ExecuteAsync(Upsert(session.Dialect, table), parameters);
        }
        await earlyReplies.ReleaseIfWaitingAsync(session, rows.Select(row => row.Phone).OfType<string>());
    }

    private DueRow ToRow(SurveyDue message)
    {
        // Contracts are non-nullable, but a message from outside may still lack fields; a survey without them is still opened.
        var requested = message.Instruments ?? [];
        var unknown = requested.Where(code => !InstrumentCatalog.IsInstrument(code)).ToList();
        if (unknown.Count > 0)
            logger.LogWarning("Survey {SurveyId} names unknown instruments {Instruments}; their items are left out",
                message.SurveyId, unknown);
        var instruments = requested.Where(InstrumentCatalog.IsInstrument).ToList();
        var hasToken = !string.IsNullOrWhiteSpace(message.LinkToken);
        return new DueRow(
            message.SurveyId,
            message.EnrollmentId,
            message.PatientId,
            message.Timepoint,
            SurveyRecord.Join(instruments),
            SurveyRecord.Join(InstrumentCatalog.ItemsOf(instruments).Select(item => item.Code)),
            message.Channel,
            string.IsNullOrWhiteSpace(message.Locale) ? InstrumentCatalog.DefaultLocale : message.Locale,
            PhoneNumber.Normalize(message.Contact?.Phone),
            hasToken ? SurveyLinks.Hash(message.LinkToken) : null,
            hasToken ? links.Protect(message.LinkToken) : null,
            message.ExpiresAt,
            message.Attempt);
    }

    private sealed record DueRow(Guid Id, Guid EnrollmentId, Guid PatientId, string Timepoint, string Instruments, string Items,
        string Channel, string Locale, string? Phone, string? TokenHash, string? TokenProtected, DateTimeOffset ExpiresAt, int Attempt);
}
