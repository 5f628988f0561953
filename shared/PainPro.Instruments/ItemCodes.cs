namespace PainPro.Instruments;

/// <summary>
/// The item codes of the public API (<c>item</c> in responses). MSTS pain, function and emotional acceptance
/// are the same items in the lower- and upper-extremity variants, so they share a code.
/// </summary>
public static class ItemCodes
{
    public const string Vas = "vas";
    public const string Analgesic = "analgesic";

    public const string MstsPain = "msts.pain";
    public const string MstsFunction = "msts.function";
    public const string MstsEmotional = "msts.emotional";

    // Lower extremity
    public const string MstsSupports = "msts.supports";
    public const string MstsWalking = "msts.walking";
    public const string MstsGait = "msts.gait";

    // Upper extremity
    public const string MstsHandPositioning = "msts.hand-positioning";
    public const string MstsDexterity = "msts.dexterity";
    public const string MstsLifting = "msts.lifting";

    public static bool IsMsts(string itemCode) => itemCode.StartsWith("msts.", StringComparison.Ordinal);
}
