using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using PainPro.Contracts;
using PainPro.Phones;
using PainPro.Scheduling.Protocols;
using PainPro.Scheduling.Schedule;

namespace PainPro.Scheduling.Intake;

/// <summary>
/// Turns a <see cref="ProcedureRequest"/> into a <see cref="Registration"/>, or into errors keyed by the field path
/// (<c>patient.phone</c>, <c>procedure.performedAt</c>) that say exactly what is wrong. Used by the JSON endpoint and
/// by every CSV row, so both accept and refuse the same things.
/// </summary>
public sealed partial class RegistrationValidator(ProtocolCatalog protocols, FacilitySettings facilities, TimeProvider clock)
{
    /// <summary>"Not absurd": a procedure more than this far in the past or future is a typo, not a plan.</summary>
    public static readonly TimeSpan PerformedAtTolerance = TimeSpan.FromDays(365);

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    [GeneratedRegex(@"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", RegexOptions.IgnoreCase)]
    private static partial Regex LocaleTag();

    // An instant must say where it is: Z or ±hh:mm at the end (ISO 8601 / RFC 3339).
    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex ExplicitOffset();

    public ValidationResult Validate(ProcedureRequest? request)
    {
        var errors = new Errors();
        if (request is null)
        {
            errors.Add("", "A JSON body with externalId, patient and procedure is required.");
            return errors.Result();
        }

        var now = clock.GetUtcNow();
        var externalId = Required(errors, "externalId", request.ExternalId, maxLength: 100);

        var patient = request.Patient;
        if (patient is null) errors.Add("patient", "The patient is required.");
        var procedure = request.Procedure;
        if (procedure is null) errors.Add("procedure", "The procedure is required.");
        if (patient is null || procedure is null) return errors.Result();

        var mrn = Required(errors, "patient.mrn", patient.Mrn, maxLength: 50);
        var givenName = Required(errors, "patient.givenName", patient.GivenName, maxLength: 100);
        var familyName = Required(errors, "patient.familyName", patient.FamilyName, maxLength: 100);

        var phone = Optional(errors, "patient.phone", patient.Phone, maxLength: 32);
        if (phone is not null)
        {
            if (PhoneNumber.TryParse(phone, out var number)) phone = number.E164;
            else errors.Add("patient.phone", $"'{phone}' is not a phone number that can take a text: write it with '+' and the country code (e.g. +15551230001; spaces, dots, dashes and brackets are fine).");
        }

        var email = Optional(errors, "patient.email", patient.Email, maxLength: 254);
        if (email is not null && !IsEmail(email))
            errors.Add("patient.email", $"'{email}' is not an email address.");

        var channel = Optional(errors, "patient.preferredChannel", patient.PreferredChannel, maxLength: 20)?.ToLowerInvariant();
        if (channel is null)
        {
            channel = phone is not null ? Channels.Sms : Channels.Email;
            if (phone is null && email is null)
                errors.Add("patient.phone", "A phone number or an email address is required to reach the patient.");
        }
        else if (channel == Channels.Sms && phone is null)
            errors.Add("patient.phone", "A phone number is required when the preferred channel is sms.");
        else if (channel == Channels.Email && email is null)
            errors.Add("patient.email", "An email address is required when the preferred channel is email.");
        else if (channel is not (Channels.Sms or Channels.Email))
            errors.Add("patient.preferredChannel", $"'{patient.PreferredChannel}' is not a channel; use '{Channels.Sms}' or '{Channels.Email}'.");

        var locale = Optional(errors, "patient.locale", patient.Locale, maxLength: 35)?.Replace('_', '-') ?? "en";
        if (!LocaleTag().IsMatch(locale))
            errors.Add("patient.locale", $"'{patient.Locale}' is not a language tag such as 'en' or 'es-MX'.");
        else locale = CanonicalLocale(locale);

        var type = Required(errors, "procedure.type", procedure.Type, maxLength: 100) is { } t ? ProcedureTypes.Normalize(t) : null;
        if (type is not null && !protocols.IsKnown(type))
            errors.Add("procedure.type", $"'{procedure.Type}' is not a known procedure type; use one of: {string.Join(", ", protocols.KnownProcedureTypes)}.");

        var bodySite = Required(errors, "procedure.bodySite", procedure.BodySite, maxLength: 100) is { } b ? BodySites.Normalize(b) : null;
        if (bodySite is not null && !BodySites.IsKnown(bodySite))
            errors.Add("procedure.bodySite", $"'{procedure.BodySite}' is not a known body site; use one of: {string.Join(", ", BodySites.All)}.");

        var performedAt = PerformedAt(errors, "procedure.performedAt", procedure.PerformedAt);

        var facility = Required(errors, "procedure.facility", procedure.Facility, maxLength: 200);
        var surgeon = Optional(errors, "procedure.surgeon", procedure.Surgeon, maxLength: 200);

        var patientZone = Optional(errors, "patient.timeZone", patient.TimeZone, maxLength: 64);
        string? scheduleZone = null;
        if (patientZone is not null)
        {
            if (TimeZones.Find(patientZone) is { } zone) scheduleZone = patientZone = zone.Id;
            else errors.Add("patient.timeZone", $"'{patientZone}' is not an IANA time zone such as 'America/New_York'.");
        }
        else if (facility is not null)
        {
            scheduleZone = facilities.TimeZoneFor(facility)?.Id;
            if (scheduleZone is null)
                errors.Add("patient.timeZone", $"The patient's IANA time zone is required (facility '{facility}' has no configured time zone).");
        }

        int? baselineVas = null;
        DateTimeOffset? baselineAt = null;
        if (request.Baseline is { } baseline)
        {
            baselineVas = baseline.Vas;
            if (baselineVas is null) errors.Add("baseline.vas", "The baseline VAS is required when a baseline is given (0-10).");
            else if (baselineVas is < 0 or > 10) errors.Add("baseline.vas", $"{baselineVas} is not a VAS score; use a whole number from 0 to 10.");
            baselineAt = Instant(errors, "baseline.recordedAt", baseline.RecordedAt, required: false);
            if (baselineAt > now + ClockSkew) errors.Add("baseline.recordedAt", "A baseline cannot be recorded in the future.");
            else if (baselineAt < now - PerformedAtTolerance * 2) errors.Add("baseline.recordedAt", $"{baseline.RecordedAt} is too long ago; check the date.");
        }

        if (errors.Any) return errors.Result();
        return new ValidationResult(new Registration(
            externalId!, mrn!, givenName!, familyName!, phone, email, channel, locale, patientZone,
            type!, bodySite!, performedAt!.Value, facility!, surgeon, baselineVas, baselineAt,
            scheduleZone!, facilities.WindowFor(facility!)), null);
    }

    /// <summary>A new procedure time for an existing enrollment, held to the same rules as at intake.</summary>
    public bool TryValidatePerformedAt(string? text, string field, out DateTimeOffset performedAt, out IDictionary<string, string[]> errors)
    {
        var collected = new Errors();
        performedAt = PerformedAt(collected, field, text) ?? default;
        errors = collected.Result().Errors!;
        return !collected.Any;
    }

    private DateTimeOffset? PerformedAt(Errors errors, string field, string? text)
    {
        var parsed = Instant(errors, field, text, required: true);
        var now = clock.GetUtcNow();
        if (parsed is not { } p || (p >= now - PerformedAtTolerance && p <= now + PerformedAtTolerance)) return parsed;
        errors.Add(field, $"{text} is more than a year {(p < now ? "ago" : "ahead")}; check the date.");
        return null;
    }

    private static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Required(Errors errors, string field, string? value, int maxLength)
    {
        if (Optional(value) is null) { errors.Add(field, $"{LastSegment(field)} is required."); return null; }
        return Optional(errors, field, value, maxLength);
    }

    /// <summary>
    /// A trimmed text within its length and free of control characters (NUL and the like: PostgreSQL text cannot hold
    /// NUL, and no name or address has one). Checked before any other rule, so no message ever echoes a huge value.
    /// </summary>
    private static string? Optional(Errors errors, string field, string? value, int maxLength)
    {
        var trimmed = Optional(value);
        if (trimmed is null) return null;
        if (trimmed.Length > maxLength) errors.Add(field, $"{LastSegment(field)} is longer than {maxLength} characters.");
        else if (trimmed.Any(char.IsControl)) errors.Add(field, $"{LastSegment(field)} contains a control character.");
        else return trimmed;
        return null;
    }

    private static DateTimeOffset? Instant(Errors errors, string field, string? value, bool required)
    {
        var text = Optional(value);
        if (text is null)
        {
            if (required) errors.Add(field, $"{LastSegment(field)} is required (ISO 8601 with offset, e.g. 2026-11-20T14:00:00-05:00).");
            return null;
        }
        if (ExplicitOffset().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && text.Contains('T', StringComparison.OrdinalIgnoreCase))
            return instant;
        errors.Add(field, $"'{text}' is not an ISO 8601 date and time with an offset (e.g. 2026-11-20T14:00:00-05:00).");
        return null;
    }

    /// <summary>BCP 47 casing: <c>ES_mx</c> becomes <c>es-MX</c>.</summary>
    private static string CanonicalLocale(string tag)
    {
        var parts = tag.Split('-');
        return string.Join('-', parts.Select((part, i) =>
            i == 0 ? part.ToLowerInvariant() : part.Length == 2 ? part.ToUpperInvariant() : part.ToLowerInvariant()));
    }

    private static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.')
        && !value.Contains(' ');

    private static string LastSegment(string field) => field[(field.LastIndexOf('.') + 1)..];

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> byField = [];

        public bool Any => byField.Count > 0;

        public void Add(string field, string message)
        {
            if (!byField.TryGetValue(field, out var list)) byField[field] = list = [];
            if (!list.Contains(message)) list.Add(message);
        }

        public ValidationResult Result() => new(null, byField.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}

/// <summary>Either a registration or the errors, by field path.</summary>
public sealed record ValidationResult(Registration? Registration, IDictionary<string, string[]>? Errors);
