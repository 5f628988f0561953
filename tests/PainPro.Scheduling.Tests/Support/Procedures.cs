using System.Globalization;

namespace PainPro.Scheduling.Tests.Support;

/// <summary>Registration bodies for tests, shaped like DESIGN §9's example.</summary>
public static class Procedures
{
    public static object Body(
        string externalId,
        DateTimeOffset performedAt,
        string mrn = "000123",
        string timeZone = "America/New_York",
        string? phone = "+15551230001",
        string? email = "ana@example.org",
        string preferredChannel = "sms",
        string type = "cementoplasty",
        string bodySite = "femur",
        int? baselineVas = 8,
        DateTimeOffset? baselineRecordedAt = null,
        string facility = "Main") => new
    {
        externalId,
        patient = new { mrn, givenName = "Ana", familyName = "Ruiz", phone, email, preferredChannel, locale = "es", timeZone },
        procedure = new
        {
            type, bodySite, performedAt = performedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            facility, surgeon = "Dr. Lee",
        },
        baseline = baselineVas is { } vas
            ? new { vas, recordedAt = baselineRecordedAt?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) }
            : null,
    };
}
