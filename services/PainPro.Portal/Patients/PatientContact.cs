using System.Globalization;
using PainPro.Phones;
using PainPro.Portal.Clients;
using PainPro.Portal.Web;

namespace PainPro.Portal.Patients;

/// <summary>
/// What a nurse needs before calling a patient, as the alert and patient pages show it: the number to dial (a
/// <c>tel:</c> link), how PainPro reaches the patient, in which language, whether texts or emails were refused, and
/// what time it is where the patient is.
/// </summary>
/// <param name="FallbackTimeZone">The enrollment's zone (the facility's) when the patient gave none.</param>
public sealed record PatientContact(PatientRecord Patient, string? FallbackTimeZone, DateTimeOffset Now)
{
    /// <summary>Before this local hour or from <see cref="LateHour"/> on, the page says it is night where the patient is.</summary>
    public const int EarlyHour = 8, LateHour = 21;

    /// <summary>"+1 555-123-0001" for reading aloud; the link dials the E.164 form.</summary>
    public string? PhoneDisplay => Patient.Phone is null ? null
        : PhoneNumber.TryParse(Patient.Phone, out var number) ? number.International : Patient.Phone;

    public string? PhoneLink => Patient.Phone is null ? null
        : "tel:" + (PhoneNumber.Normalize(Patient.Phone) ?? Patient.Phone);

    public string Channel => Patient.PreferredChannel switch
    {
        "sms" => "Text messages (SMS)",
        "email" => "Email",
        null or "" => "—",
        var other => other,
    };

    /// <summary>"Spanish (es)": the language texts and the form use, so the nurse knows which to speak.</summary>
    public string Language
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Patient.Locale)) return "English (default)";
            try { return $"{CultureInfo.GetCultureInfo(Patient.Locale).EnglishName} ({Patient.Locale})"; }
            catch (CultureNotFoundException) { return Patient.Locale; }
        }
    }

    /// <summary>Every way PainPro can no longer reach the patient, in a nurse's words (empty when none).</summary>
    public IReadOnlyList<string> OptOuts
    {
        get
        {
            var refused = new List<string>();
            if (Patient.SmsOptedOut) refused.Add("Opted out of texts (replied STOP)");
            if (Patient.EmailOptedOut) refused.Add("Unsubscribed from emails");
            if (!Patient.Reachable) refused.Add("No channel left: PainPro can send this patient nothing");
            return refused;
        }
    }

    public string? TimeZoneId => Patient.TimeZone ?? FallbackTimeZone;

    private TimeZoneInfo? Zone => DisplayTime.FindZone(TimeZoneId);

    /// <summary>"Tue 14:05 (America/New_York, UTC−5)", or null when the zone is unknown.</summary>
    public string? LocalTimeNow
    {
        get
        {
            if (Zone is not { } zone) return null;
            var local = TimeZoneInfo.ConvertTime(Now, zone);
            return $"{local.ToString("ddd HH:mm", CultureInfo.InvariantCulture)} ({TimeZoneId}, {DisplayTime.ZoneLabel(zone, Now)})";
        }
    }

    /// <summary>True when it is late evening or night where the patient is.</summary>
    public bool NightThere => Zone is { } zone && TimeZoneInfo.ConvertTime(Now, zone).Hour is < EarlyHour or >= LateHour;
}
