using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Facilities;

/// <summary>
/// One facility as configured under <c>PainPro:Facilities:{name}</c> (the name the EHR sends as the procedure's facility,
/// matched case-insensitively). Every value is optional; an unset one falls back to <c>PainPro:Facilities:Default</c>.
/// </summary>
public sealed class FacilityEntry
{
    /// <summary>The name patients know the facility by, in texts, emails and the web form (at most 40 characters).</summary>
    public string? DisplayName { get; set; }

    /// <summary>The care team's phone as patients dial it ("555-123-4567"): digits, letters, spaces, <c>+ ( ) - .</c>, at most 20.</summary>
    public string? CareTeamPhone { get; set; }

    /// <summary>The emergency number (2–6 digits); unset, the <see cref="Country"/>'s.</summary>
    public string? EmergencyNumber { get; set; }

    /// <summary>ISO 3166 country code, for the emergency number.</summary>
    public string? Country { get; set; }

    /// <summary>IANA zone used for patients who come without one (Scheduling).</summary>
    public string? TimeZone { get; set; }

    /// <summary>Local <c>HH:mm</c> from which surveys may be sent (Scheduling).</summary>
    public string? SendWindowStart { get; set; }

    /// <summary>Local <c>HH:mm</c> from which nothing is sent until the next start (Scheduling; <c>24:00</c> allowed).</summary>
    public string? SendWindowEnd { get; set; }
}

/// <summary>Who a patient's messages come from: the facility's name and its care team's phone, either possibly unknown.</summary>
public sealed record FacilityIdentity(string? DisplayName, string? CareTeamPhone)
{
    public static FacilityIdentity Unknown { get; } = new(null, null);
}

/// <summary>
/// The facility directory, <c>PainPro:Facilities</c>: every service reads the same configuration shape — Messaging the
/// name and care-team phone for survey texts and emails, Ingestion the contacts for replies and the web form,
/// Scheduling the send window and time zone. A facility's unset values fall back to its entry under the older
/// per-service keys (<c>PainPro:Ingestion:FacilityContacts:Facilities:{name}</c>,
/// <c>PainPro:Scheduling:Facilities:{name}</c>, still read), then to <c>PainPro:Facilities:Default</c>, then to the
/// older top-level values (<c>PainPro:Ingestion:FacilityContacts:CareTeamPhone</c> …). A value no service could use
/// stops start-up with a message naming its key.
/// </summary>
public sealed partial class FacilityDirectory
{
    public const string Section = "PainPro:Facilities";
    public const string DefaultName = "Default";
    public const int MaxDisplayNameLength = 40;
    public const int MaxPhoneLength = 20;

    private const string IngestionContacts = "PainPro:Ingestion:FacilityContacts";
    private const string SchedulingFacilities = "PainPro:Scheduling:Facilities";

    private readonly Dictionary<string, FacilityEntry> facilities = new(StringComparer.OrdinalIgnoreCase);

    public FacilityDirectory(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var legacyDefault = new FacilityEntry
        {
            CareTeamPhone = configuration[$"{IngestionContacts}:CareTeamPhone"],
            EmergencyNumber = configuration[$"{IngestionContacts}:EmergencyNumber"],
            Country = configuration[$"{IngestionContacts}:Country"],
        };
        Default = Overlay(section.GetSection(DefaultName).Get<FacilityEntry>(), legacyDefault);
        Check(Default, $"{Section}:{DefaultName}");

        var names = section.GetChildren().Select(c => c.Key)
            .Concat(configuration.GetSection($"{IngestionContacts}:Facilities").GetChildren().Select(c => c.Key))
            .Concat(configuration.GetSection(SchedulingFacilities).GetChildren().Select(c => c.Key))
            .Where(name => !string.Equals(name, DefaultName, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var legacy = Overlay(configuration.GetSection($"{IngestionContacts}:Facilities:{name}").Get<FacilityEntry>(),
                configuration.GetSection($"{SchedulingFacilities}:{name}").Get<FacilityEntry>() ?? new FacilityEntry());
            var entry = Overlay(section.GetSection(name).Get<FacilityEntry>(), legacy);
            Check(entry, $"{Section}:{name}");
            facilities[name.Trim()] = entry;
        }
    }

    /// <summary>The values for facilities not listed, and for a listed one's unset values.</summary>
    public FacilityEntry Default { get; }

    /// <summary>Every listed facility (not <see cref="Default"/>), as configured: unset values are null, not the default's.</summary>
    public IReadOnlyDictionary<string, FacilityEntry> Facilities => facilities;

    /// <summary>The facility's own entry, or null when it is not listed.</summary>
    public FacilityEntry? Find(string? facility) =>
        facility is not null && facilities.TryGetValue(facility.Trim(), out var entry) ? entry : null;

    /// <summary>The facility's name and care-team phone as patients should read them; unset ones come from <see cref="Default"/>.</summary>
    public FacilityIdentity IdentityOf(string? facility)
    {
        var entry = Find(facility);
        return new FacilityIdentity(entry?.DisplayName ?? Default.DisplayName, entry?.CareTeamPhone ?? Default.CareTeamPhone);
    }

    /// <summary>Each value of <paramref name="first"/>, else <paramref name="then"/>'s; blank values count as unset.</summary>
    private static FacilityEntry Overlay(FacilityEntry? first, FacilityEntry then) => new()
    {
        DisplayName = Value(first?.DisplayName) ?? Value(then.DisplayName),
        CareTeamPhone = Value(first?.CareTeamPhone) ?? Value(then.CareTeamPhone),
        EmergencyNumber = Value(first?.EmergencyNumber) ?? Value(then.EmergencyNumber),
        Country = Value(first?.Country) ?? Value(then.Country),
        TimeZone = Value(first?.TimeZone) ?? Value(then.TimeZone),
        SendWindowStart = Value(first?.SendWindowStart) ?? Value(then.SendWindowStart),
        SendWindowEnd = Value(first?.SendWindowEnd) ?? Value(then.SendWindowEnd),
    };

    private static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The name and phone go into every patient text: what cannot be sent, or would not fit, is refused here.</summary>
    private static void Check(FacilityEntry entry, string key)
    {
        if (entry.DisplayName is { } name && (name.Length > MaxDisplayNameLength || name.Any(c => char.IsControl(c))))
            throw new OptionsValidationException(key, typeof(FacilityEntry),
                [$"{key}:DisplayName '{name}' must be one line of at most {MaxDisplayNameLength} characters."]);
        if (entry.CareTeamPhone is { } phone && !IsPhone(phone))
            throw new OptionsValidationException(key, typeof(FacilityEntry),
                [$"{key}:CareTeamPhone '{phone}' must be a phone number of at most {MaxPhoneLength} characters (digits, letters, spaces, + ( ) - .)."]);
    }

    /// <summary>A care-team phone as patients dial it, short enough for every text to keep to two segments.</summary>
    public static bool IsPhone(string phone) =>
        phone.Length <= MaxPhoneLength && PhoneShape().IsMatch(phone) && phone.Count(char.IsAsciiDigit) >= 3;

    [GeneratedRegex("^[0-9A-Za-z +().-]+$")]
    private static partial Regex PhoneShape();
}

/// <summary>Reads the directory when the host starts, so a value no service could use stops start-up, naming its key.</summary>
internal sealed class FacilityDirectoryCheck(FacilityDirectory directory) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = directory.Default;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
