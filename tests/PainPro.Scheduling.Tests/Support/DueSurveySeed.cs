using Dapper;

namespace PainPro.Scheduling.Tests.Support;

/// <summary>Many due surveys at once, seeded in SQL (fast): one patient, one enrollment and one day-3 survey each.</summary>
internal static class DueSurveySeed
{
    /// <summary>Seeds <paramref name="count"/> surveys; survey <c>i</c> (0-based) falls due at <paramref name="dueAt"/>(i). PostgreSQL only.</summary>
    public static Task SeedAsync(SchedulingDb db, DateTimeOffset now, int count, Func<int, DateTimeOffset> dueAt) => db.InTransactionAsync(async s =>
    {
        var patientId = Guid.CreateVersion7();
        await s.ExecuteAsync(
            """
            INSERT INTO patients (id, mrn, given_name, family_name, phone, preferred_channel, locale, time_zone, created_at, updated_at)
            VALUES (@patientId, 'BULK', 'Ana', 'Ruiz', '+15551230001', 'sms', 'en', 'Europe/London', @now, @now)
            """, new { patientId, now });
        await s.ExecuteAsync(
            """
            INSERT INTO enrollments (id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at, facility,
                                     baseline_vas, time_zone, send_window_start, send_window_end, created_at, updated_at)
            SELECT gen_random_uuid(), 'BULK-' || g, 'seed', @patientId, 'cementoplasty', 'femur', @performed, 'Main',
                   6, 'Europe/London', 0, 1440, @now, @now
            FROM generate_series(0, @count - 1) g
            """, new { patientId, performed = now.AddDays(-3), now, count });
        var due = Enumerable.Range(0, count).Select(i => dueAt(i).ToUniversalTime()).ToArray();
        await s.ExecuteAsync(
            """
            INSERT INTO surveys (id, enrollment_id, timepoint, instruments, channel, due_at, send_at, closes_at,
                                 reminder_minutes, status, attempts, next_send_at, link_token_protected)
            SELECT gen_random_uuid(), e.id, 'day3', 'vas,analgesic', 'sms', d.due, d.due, @closes, '1440', 'scheduled', 0, d.due, md5(e.id::text)
            FROM enrollments e
            JOIN unnest(@due) WITH ORDINALITY AS d(due, n) ON e.external_id = 'BULK-' || (d.n - 1)
            """, new { due, closes = now.AddDays(2) });
    });
}
