using System.Globalization;
using System.Text;
using NodaTime;

namespace PainPro.Reliability.Tests.Support;

/// <summary>A synthetic patient: names, MRN and phone unique to one test run, so logs and counts can find exactly them.</summary>
public sealed record Patient(string ExternalId, string Mrn, string GivenName, string FamilyName, string Phone, string? Email)
{
    private static int sequence;

    /// <summary>
    /// A new patient. Phones are <c>+1555</c> plus a run prefix and a sequence number: unique across concurrent test
    /// runs and easy to count at the Twilio double. Names are made-up words nothing else in a log would contain.
    /// </summary>
    public static Patient Next(string? email = null)
    {
        var n = Interlocked.Increment(ref sequence);
        var tag = RunTag + n.ToString("D4", CultureInfo.InvariantCulture);
        return new Patient($"REL-{tag}", "M" + tag, "Zephyrine" + Letters(n), "Quillfeather" + Letters(n * 7),
            "+1555" + tag, email);
    }

    /// <summary>Three digits that differ between test runs (phones must not collide with a concurrent run's).</summary>
    private static readonly string RunTag = Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);

    private static string Letters(int n)
    {
        var text = new StringBuilder();
        do { text.Append((char)('a' + n % 26)); n /= 26; } while (n > 0);
        return text.ToString();
    }
}

/// <summary>Procedure requests (DESIGN §9) whose day-3 survey is due now, inside the patient's send window.</summary>
public static class Procedures
{
    public const string CsvHeader =
        "externalId,mrn,givenName,familyName,phone,email,preferredChannel,locale,timeZone,procedureType,bodySite,performedAt,facility,surgeon,baselineVas,baselineRecordedAt";

    /// <summary>The JSON body of <c>POST /api/procedures</c> for a procedure 3 days and 1 hour ago, clinic baseline 6.</summary>
    public static object DueNow(Patient patient, int baselineVas = 6)
    {
        var (zone, performedAt) = PerformedThreeDaysAgo();
        return new
        {
            externalId = patient.ExternalId,
            patient = new
            {
                mrn = patient.Mrn,
                givenName = patient.GivenName,
                familyName = patient.FamilyName,
                phone = patient.Phone,
                email = patient.Email,
                preferredChannel = "sms",
                locale = "en",
                timeZone = zone,
            },
            procedure = new { type = "cementoplasty", bodySite = "femur", performedAt, facility = "Main", surgeon = "Dr. Lee" },
            baseline = new { vas = baselineVas, recordedAt = performedAt.AddHours(-5) },
        };
    }

    /// <summary>The same as CSV rows for <c>POST /api/procedures/import</c>.</summary>
    public static string Csv(IEnumerable<Patient> patients, int baselineVas = 6)
    {
        var (zone, performedAt) = PerformedThreeDaysAgo();
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var p in patients)
            csv.Append(CultureInfo.InvariantCulture,
                $"{p.ExternalId},{p.Mrn},{p.GivenName},{p.FamilyName},{p.Phone},{p.Email},sms,en,{zone},cementoplasty,femur,{performedAt:yyyy-MM-ddTHH:mm:sszzz},Main,Dr. Lee,{baselineVas},{performedAt.AddHours(-5):yyyy-MM-ddTHH:mm:sszzz}\n");
        return csv.ToString();
    }

    /// <summary>A zone whose local time is well inside 09:00–19:00 now, and a procedure there 3 days and 1 hour ago.</summary>
    public static (string Zone, DateTimeOffset PerformedAt) PerformedThreeDaysAgo()
    {
        var zone = ZoneInsideSendWindowNow();
        var performed = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(3) - Duration.FromHours(1);
        return (zone.Id, performed.InZone(zone).ToDateTimeOffset());
    }

    /// <summary>
    /// A zone between 10:00 and 15:00 local now, so "due now" sends now and a test of a few minutes cannot cross
    /// the window's end. The list covers every hour of the day.
    /// </summary>
    public static DateTimeZone ZoneInsideSendWindowNow()
    {
        string[] candidates =
        [
            "Pacific/Kiritimati", "Pacific/Auckland", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Asia/Dubai",
            "Europe/Moscow", "Europe/Berlin", "Europe/London", "Atlantic/Azores", "America/Sao_Paulo", "America/New_York",
            "America/Chicago", "America/Denver", "America/Los_Angeles", "Pacific/Honolulu", "Pacific/Pago_Pago",
        ];
        var now = SystemClock.Instance.GetCurrentInstant();
        foreach (var id in candidates)
        {
            var zone = DateTimeZoneProviders.Tzdb[id];
            if (now.InZone(zone).Hour is >= 10 and < 15) return zone;
        }
        throw new InvalidOperationException("No candidate zone is inside its send window now; the list must cover every hour.");
    }
}
