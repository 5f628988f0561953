namespace PainPro.Scheduling.Protocols;

/// <summary>The procedure types PainPro knows out of the box. Configuring a protocol for another name adds it.</summary>
public static class ProcedureTypes
{
    public const string Cementoplasty = "cementoplasty";
    public const string Vertebroplasty = "vertebroplasty";
    public const string Kyphoplasty = "kyphoplasty";
    public const string SeparationSurgery = "separation-surgery";
    public const string Stabilisation = "stabilisation";
    public const string Fixation = "fixation";
    public const string DistractionOsteogenesis = "distraction-osteogenesis";
    public const string ResectionReconstruction = "resection-reconstruction";

    public static readonly IReadOnlyList<string> BuiltIn =
    [
        Cementoplasty, Vertebroplasty, Kyphoplasty, SeparationSurgery,
        Stabilisation, Fixation, DistractionOsteogenesis, ResectionReconstruction,
    ];

    /// <summary>Lower case, spaces and underscores as hyphens: "Separation Surgery" is <c>separation-surgery</c>.</summary>
    public static string Normalize(string value) => Vocabulary.Normalize(value);
}

/// <summary>
/// Treated sites and the MSTS variant each gets (DESIGN §4): lower or upper extremity; spine and other sites get no MSTS.
/// </summary>
public static class BodySites
{
    public static readonly IReadOnlyList<string> LowerExtremity = ["pelvis", "acetabulum", "sacrum", "femur", "tibia", "fibula", "foot"];
    public static readonly IReadOnlyList<string> UpperExtremity = ["scapula", "clavicle", "humerus", "radius", "ulna", "hand"];
    public static readonly IReadOnlyList<string> Spine = ["spine", "cervical-spine", "thoracic-spine", "lumbar-spine"];
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [.. LowerExtremity, .. UpperExtremity, .. Spine, Other];

    public static bool IsKnown(string normalized) => All.Contains(normalized);

    public static string Normalize(string value) => Vocabulary.Normalize(value);

    /// <summary>The MSTS instrument code for a site, or null when the site gets no MSTS.</summary>
    public static string? MstsVariant(string site) =>
        LowerExtremity.Contains(site) ? Contracts.InstrumentCodes.MstsLower
        : UpperExtremity.Contains(site) ? Contracts.InstrumentCodes.MstsUpper
        : null;
}

internal static class Vocabulary
{
    public static string Normalize(string value) =>
        string.Join('-', value.Trim().ToLowerInvariant().Split([' ', '_', '-'], StringSplitOptions.RemoveEmptyEntries));
}
