using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Instruments;

namespace PainPro.Ingestion.Sms;

/// <summary>
/// <c>PainPro:Ingestion:FacilityContacts</c>: how a patient reaches a person at each facility — the one place these
/// live. Ingestion is the only service that tells patients whom to call (the text replies, the web form), and it knows
/// each enrollment's facility from <c>EnrollmentCreated</c>. A facility not listed under <see cref="Facilities"/> (matched
/// case-insensitively, like Scheduling's <c>PainPro:Scheduling:Facilities</c>) gets the top-level values.
/// </summary>
public sealed class FacilityContactOptions
{
    public const string Section = "PainPro:Ingestion:FacilityContacts";

    /// <summary>The care team's phone as patients should dial it ("555-123-4567"); none: texts say "the number they gave you".</summary>
    public string? CareTeamPhone { get; set; }

    /// <summary>The emergency number; unset, the <see cref="Country"/>'s (911 in the US).</summary>
    public string? EmergencyNumber { get; set; }

    /// <summary>ISO 3166 country code of the facilities, for their emergency number.</summary>
    public string Country { get; set; } = "US";

    public Dictionary<string, FacilityContact> Facilities { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One facility's contact; unset values fall back to <see cref="FacilityContactOptions"/>'s.</summary>
public sealed class FacilityContact
{
    public string? CareTeamPhone { get; set; }
    public string? EmergencyNumber { get; set; }
    public string? Country { get; set; }
}

/// <summary>
/// The <see cref="CareContact"/> of each facility, checked at start-up: a phone of at most 20 characters that an SMS can
/// carry (digits, letters, spaces, <c>+ ( ) - .</c>) so every text keeps to two segments, and an emergency number of
/// 2–6 digits, given or known for the country. A bad value stops the service with a message naming the key.
/// </summary>
public sealed partial class FacilityContacts
{
    public const int MaxPhoneLength = 20;

    /// <summary>Emergency numbers by country, for facilities that do not set their own.</summary>
    private static readonly Dictionary<string, string> EmergencyByCountry = new(StringComparer.OrdinalIgnoreCase)
    {
        ["US"] = "911", ["CA"] = "911", ["MX"] = "911", ["PR"] = "911",
        ["GB"] = "999", ["AU"] = "000", ["NZ"] = "111",
        ["ES"] = "112", ["IE"] = "112", ["FR"] = "112", ["DE"] = "112", ["IT"] = "112", ["PT"] = "112", ["NL"] = "112", ["BE"] = "112",
    };

    private readonly CareContact fallback;
    private readonly Dictionary<string, CareContact> byFacility = new(StringComparer.OrdinalIgnoreCase);

    public FacilityContacts(IOptions<FacilityContactOptions> options, ILogger<FacilityContacts>? logger = null)
    {
        var o = options.Value;
        fallback = Build(o.CareTeamPhone, o.EmergencyNumber, o.Country, FacilityContactOptions.Section);
        foreach (var (name, facility) in o.Facilities)
        {
            var key = $"{FacilityContactOptions.Section}:Facilities:{name}";
            byFacility[name.Trim()] = Build(facility.CareTeamPhone ?? o.CareTeamPhone,
                facility.EmergencyNumber ?? (facility.Country is null ? o.EmergencyNumber : null), facility.Country ?? o.Country, key);
        }
        if (AnyWithoutPhone)
            logger?.LogWarning("{Section}: some facilities have no CareTeamPhone; texts to their patients say to call the number the care team gave them",
                FacilityContactOptions.Section);
    }

    /// <summary>The facility's contact; an unknown or missing facility gets the top-level one.</summary>
    public CareContact For(string? facility) =>
        facility is not null && byFacility.TryGetValue(facility.Trim(), out var contact) ? contact : fallback;

    /// <summary>Facilities with no care-team phone (for a warning at start-up).</summary>
    public bool AnyWithoutPhone => fallback.CareTeamPhone is null || byFacility.Values.Any(c => c.CareTeamPhone is null);

    private static CareContact Build(string? phone, string? emergency, string country, string key)
    {
        phone = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim();
        if (phone is not null && (phone.Length > MaxPhoneLength || !PhoneShape().IsMatch(phone) || phone.Count(char.IsAsciiDigit) < 3))
            throw new OptionsValidationException(key, typeof(FacilityContactOptions),
                [$"{key}:CareTeamPhone '{phone}' must be a phone number of at most {MaxPhoneLength} characters (digits, letters, spaces, + ( ) - .)."]);
        emergency = string.IsNullOrWhiteSpace(emergency) ? null : emergency.Trim();
        if (emergency is null && !EmergencyByCountry.TryGetValue(country.Trim(), out emergency))
            throw new OptionsValidationException(key, typeof(FacilityContactOptions),
                [$"{key}:EmergencyNumber is required: no emergency number is known for country '{country}'."]);
        if (!EmergencyShape().IsMatch(emergency))
            throw new OptionsValidationException(key, typeof(FacilityContactOptions),
                [$"{key}:EmergencyNumber '{emergency}' must be 2 to 6 digits."]);
        return new CareContact(phone, emergency);
    }

    [GeneratedRegex("^[0-9A-Za-z +().-]+$")]
    private static partial Regex PhoneShape();

    [GeneratedRegex("^[0-9]{2,6}$")]
    private static partial Regex EmergencyShape();
}

/// <summary>Refuses to start with facility contacts that <see cref="FacilityContacts"/> cannot use, naming the key.</summary>
internal sealed class FacilityContactValidation : IValidateOptions<FacilityContactOptions>
{
    public ValidateOptionsResult Validate(string? name, FacilityContactOptions options)
    {
        try
        {
            _ = new FacilityContacts(Options.Create(options));
            return ValidateOptionsResult.Success;
        }
        catch (OptionsValidationException invalid)
        {
            return ValidateOptionsResult.Fail(invalid.Failures);
        }
    }
}
