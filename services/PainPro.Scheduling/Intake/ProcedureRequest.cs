using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PainPro.Scheduling.Schedule;

namespace PainPro.Scheduling.Intake;

// The body of POST /api/procedures (DESIGN §9). Everything is optional here so that validation, not the JSON
// reader, decides what is missing and names the field; instants stay text so an offset can be required.

public sealed record ProcedureRequest(string? ExternalId, PatientInput? Patient, ProcedureInput? Procedure, BaselineInput? Baseline);

public sealed record PatientInput(
    string? Mrn,
    string? GivenName,
    string? FamilyName,
    string? Phone,
    string? Email,
    string? PreferredChannel,
    string? Locale,
    string? TimeZone);

public sealed record ProcedureInput(string? Type, string? BodySite, string? PerformedAt, string? Facility, string? Surgeon);

public sealed record BaselineInput(int? Vas, string? RecordedAt);

/// <summary>A validated, normalised registration: what gets stored and what idempotency compares.</summary>
public sealed record Registration(
    string ExternalId,
    string Mrn,
    string GivenName,
    string FamilyName,
    string? Phone,
    string? Email,
    string PreferredChannel,
    string Locale,
    string? PatientTimeZone,
    string ProcedureType,
    string BodySite,
    DateTimeOffset PerformedAt,
    string Facility,
    string? Surgeon,
    int? BaselineVas,
    DateTimeOffset? BaselineRecordedAt,
    string ScheduleTimeZone,
    SendWindow Window)
{
    /// <summary>
    /// A fingerprint of what the client sent, after normalisation: the same registration repeated (even with another
    /// offset on the same instant) has the same hash; any changed field gives another.
    /// </summary>
    public string RequestHash()
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            ExternalId, Mrn, GivenName, FamilyName, Phone, Email, PreferredChannel, Locale, PatientTimeZone,
            ProcedureType, BodySite, PerformedAt.ToUniversalTime().ToString("O"), Facility, Surgeon,
            BaselineVas, BaselineRecordedAt?.ToUniversalTime().ToString("O"),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public string MrnLast4 => Mrn.Length <= 4 ? Mrn : Mrn[^4..];
}
