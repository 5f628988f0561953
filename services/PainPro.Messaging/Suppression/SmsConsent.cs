using PainPro.Contracts;
using PainPro.Phones;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Messaging.Suppression;

/// <summary>
/// The suppression list: after <c>PatientOptedOut</c> (or a Twilio 21610) no SMS goes to the number until
/// <c>PatientOptedIn</c>. Only the newest event per phone counts, so events arriving out of order cannot undo a newer one.
/// </summary>
public static class SmsConsent
{
    public static async Task<bool> IsOptedOutAsync(DbSession session, string phone) =>
        await session.QuerySingleOrDefaultAsync<bool?>(
            "SELECT opted_out FROM sms_consent WHERE phone = @phone", new { phone }) ?? false;

    /// <summary>Which of <paramref name="phones"/> are opted out, in one look-up.</summary>
    public static async Task<HashSet<string>> OptedOutAmongAsync(DbSession session, IReadOnlyCollection<string> phones)
    {
        if (phones.Count == 0) return [];
        var rows = await session.QueryAsync<ConsentRow>(
            $"SELECT phone AS Phone, opted_out AS OptedOut FROM sms_consent WHERE {session.Dialect.InStrings("phone", "phones")}",
            new { phones = phones.ToArray() });
        return rows.Where(r => r.OptedOut).Select(r => r.Phone).ToHashSet();
    }

    public static Task RecordAsync(DbSession session, string phone, bool optedOut, string keyword, DateTimeOffset at) =>
        session.ExecuteAsync(session.Dialect.IsSqlServer
            ? """
              MERGE sms_consent WITH (HOLDLOCK) AS c USING (SELECT @phone AS phone) AS v ON c.phone = v.phone
              WHEN MATCHED AND c.changed_at < @at THEN UPDATE SET opted_out = @optedOut, keyword = @keyword, changed_at = @at
              WHEN NOT MATCHED THEN INSERT (phone, opted_out, keyword, changed_at) VALUES (@phone, @optedOut, @keyword, @at);
              """
            : """
            INSERT INTO sms_consent (phone, opted_out, keyword, changed_at) VALUES (@phone, @optedOut, @keyword, @at)
            ON CONFLICT (phone) DO UPDATE SET opted_out = excluded.opted_out, keyword = excluded.keyword, changed_at = excluded.changed_at
            WHERE sms_consent.changed_at < excluded.changed_at
            """,
            new { phone, optedOut, keyword, at });

    private sealed record ConsentRow
    {
        public string Phone { get; init; } = "";
        public bool OptedOut { get; init; }
    }
}

public sealed class PatientOptedOutConsumer(MessagingDb db) : InboxConsumer<PatientOptedOut>(db)
{
    protected override Task HandleAsync(PatientOptedOut message, DbSession session, CancellationToken ct) =>
        PhoneNumber.Normalize(message.Phone) is { } phone
            ? SmsConsent.RecordAsync(session, phone, optedOut: true, message.Keyword, message.At)
            : Task.CompletedTask;
}

public sealed class PatientOptedInConsumer(MessagingDb db) : InboxConsumer<PatientOptedIn>(db)
{
    protected override Task HandleAsync(PatientOptedIn message, DbSession session, CancellationToken ct) =>
        PhoneNumber.Normalize(message.Phone) is { } phone
            ? SmsConsent.RecordAsync(session, phone, optedOut: false, message.Keyword, message.At)
            : Task.CompletedTask;
}
