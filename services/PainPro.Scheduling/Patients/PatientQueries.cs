using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.ChannelFallback;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.Patients;

public static class PatientQueries
{
    private const string PatientColumns =
        """
        SELECT id AS PatientId, mrn AS Mrn, given_name AS GivenName, family_name AS FamilyName, phone AS Phone, email AS Email,
               preferred_channel AS PreferredChannel, locale AS Locale, time_zone AS TimeZone,
               sms_opted_out AS SmsOptedOut, sms_failed_at AS SmsFailedAt, email_opted_out_at AS EmailOptedOutAt
        FROM patients
        """;

    /// <summary>
    /// MRN exact or by its start, any part of the name whatever its accents and case ("lucia ru" finds Lucía Ruiz, in
    /// either order), or the phone number in any common format; exact MRN first, then MRN prefix, then names
    /// alphabetically. Each way of matching is its own indexed look-up; the name is matched on <c>name_key</c>
    /// (migration 0005), which the database folds as <see cref="PatientSearch.Fold"/> folds the query.
    /// </summary>
    public static async Task<IReadOnlyList<PatientView>> SearchAsync(DbSession session, string query, int limit)
    {
        var search = new PatientSearch(query);
        var phone = search.PhoneDigits;
        // SQLite's name_key is a virtual column: read from its index it is stored, read from the table it is folded
        // again for every row (about a second over 50,000 patients). The planner picks the table, so name the index.
        var names = session.Dialect == SqlDialect.Sqlite ? "patients INDEXED BY patients_name_key" : "patients";
        var rows = await session.QueryAsync<PatientRow>(
            $"""
            {PatientColumns}
            WHERE id IN (SELECT id FROM patients WHERE mrn = @query OR mrn LIKE @prefix ESCAPE '\'
                         UNION SELECT id FROM {names} WHERE name_key LIKE @contains ESCAPE '\'
                         {(phone is null ? "" : "UNION SELECT id FROM patients WHERE phone LIKE @phone ESCAPE '\\'")})
            ORDER BY CASE WHEN mrn = @query THEN 0 WHEN mrn LIKE @prefix ESCAPE '\' THEN 1 ELSE 2 END,
                     lower(family_name), lower(given_name), id
            LIMIT @limit
            """,
            new
            {
                query,
                prefix = PatientSearch.EscapeLike(query) + "%",
                contains = "%" + PatientSearch.EscapeLike(search.NameKey) + "%",
                phone = "%" + phone,
                limit,
            });
        return await WithEnrollmentsAsync(session, rows.ToList());
    }

    public static async Task<IReadOnlyList<PatientView>> GetAsync(DbSession session, IReadOnlyCollection<Guid> ids)
    {
        var rows = await session.QueryAsync<PatientRow>($"{PatientColumns} WHERE {session.Dialect.InGuids("id", ids)}");
        return await WithEnrollmentsAsync(session, rows.ToList());
    }

    private static async Task<IReadOnlyList<PatientView>> WithEnrollmentsAsync(DbSession session, List<PatientRow> patients)
    {
        if (patients.Count == 0) return [];
        var enrollments = (await session.QueryAsync<EnrollmentRow>(
            $"""
            SELECT e.patient_id AS PatientId, e.id AS EnrollmentId, e.procedure_type AS ProcedureType, e.body_site AS BodySite,
                   e.facility AS Facility, e.performed_at AS PerformedAt, {EnrollmentStatuses.Sql} AS Status
            FROM enrollments e WHERE {session.Dialect.InGuids("e.patient_id", patients.Select(p => p.PatientId))}
            ORDER BY e.performed_at DESC
            """))
            .ToLookup(e => e.PatientId);

        return patients.Select(p => new PatientView(
            p.PatientId, p.Mrn, p.GivenName, p.FamilyName, p.Phone, p.Email, p.PreferredChannel, p.Locale, p.TimeZone,
            p.SmsOptedOut,
            Reachable: PatientChannels.ChannelFor(p.PreferredChannel, p.Phone, p.Email, p.SmsOptedOut, p.SmsFailedAt is not null,
                p.EmailOptedOutAt is not null) is not null,
            enrollments[p.PatientId]
                .Select(e => new PatientEnrollment(e.EnrollmentId, e.ProcedureType, e.BodySite, e.Facility, e.PerformedAt, e.Status))
                .ToList(),
            EmailOptedOut: p.EmailOptedOutAt is not null)).ToList();
    }

    private sealed class PatientRow
    {
        public Guid PatientId { get; init; }
        public string Mrn { get; init; } = "";
        public string GivenName { get; init; } = "";
        public string FamilyName { get; init; } = "";
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public string PreferredChannel { get; init; } = "";
        public string Locale { get; init; } = "";
        public string? TimeZone { get; init; }
        public bool SmsOptedOut { get; init; }
        public DateTimeOffset? SmsFailedAt { get; init; }
        public DateTimeOffset? EmailOptedOutAt { get; init; }
    }

    private sealed class EnrollmentRow
    {
        public Guid PatientId { get; init; }
        public Guid EnrollmentId { get; init; }
        public string ProcedureType { get; init; } = "";
        public string BodySite { get; init; } = "";
        public string Facility { get; init; } = "";
        public DateTimeOffset PerformedAt { get; init; }
        public string Status { get; init; } = "";
    }
}
