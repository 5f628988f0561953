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
               sms_opted_out AS SmsOptedOut, sms_failed_at AS SmsFailedAt
        FROM patients
        """;

    /// <summary>
    /// MRN exact or by its start, or any part of the name ("ana ru" finds Ana Ruiz); exact MRN first, then MRN prefix,
    /// then names alphabetically.
    /// </summary>
    public static async Task<IReadOnlyList<PatientView>> SearchAsync(DbSession session, string query, int limit)
    {
        var rows = await session.QueryAsync<PatientRow>(
            $"""
            {PatientColumns}
            WHERE mrn = @query OR mrn LIKE @prefix ESCAPE '\'
               OR lower(given_name || ' ' || family_name) LIKE @contains ESCAPE '\'
               OR lower(family_name || ' ' || given_name) LIKE @contains ESCAPE '\'
            ORDER BY CASE WHEN mrn = @query THEN 0 WHEN mrn LIKE @prefix ESCAPE '\' THEN 1 ELSE 2 END,
                     lower(family_name), lower(given_name), id
            LIMIT @limit
            """,
            new { query, prefix = EscapeLike(query) + "%", contains = "%" + EscapeLike(query.ToLowerInvariant()) + "%", limit });
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
            Reachable: PatientChannels.ChannelFor(p.PreferredChannel, p.Phone, p.Email, p.SmsOptedOut, p.SmsFailedAt is not null) is not null,
            enrollments[p.PatientId]
                .Select(e => new PatientEnrollment(e.EnrollmentId, e.ProcedureType, e.BodySite, e.Facility, e.PerformedAt, e.Status))
                .ToList())).ToList();
    }

    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

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
