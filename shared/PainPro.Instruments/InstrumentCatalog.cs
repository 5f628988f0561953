using PainPro.Contracts;

namespace PainPro.Instruments;

/// <summary>
/// Which items each instrument asks, in the order a survey asks them, and the locales the texts exist in.
/// Instrument codes are <see cref="InstrumentCodes"/>: <c>vas</c>, <c>analgesic</c>, <c>msts-lower</c>, <c>msts-upper</c>.
/// </summary>
public static class InstrumentCatalog
{
    public const string DefaultLocale = "en";

    public static readonly ItemDefinition Vas = new(ItemCodes.Vas, 0, 10);
    public static readonly ItemDefinition Analgesic = new(ItemCodes.Analgesic, 1, 3);

    public const int MstsItemMax = 5;
    public const int MstsTotalMax = 30;

    private static readonly ItemDefinition MstsPain = Msts(ItemCodes.MstsPain);
    private static readonly ItemDefinition MstsFunction = Msts(ItemCodes.MstsFunction);
    private static readonly ItemDefinition MstsEmotional = Msts(ItemCodes.MstsEmotional);

    private static readonly Dictionary<string, IReadOnlyList<ItemDefinition>> ItemsByInstrument = new(StringComparer.Ordinal)
    {
        [InstrumentCodes.Vas] = [Vas],
        [InstrumentCodes.Analgesic] = [Analgesic],
        [InstrumentCodes.MstsLower] =
        [
            MstsPain, MstsFunction, MstsEmotional,
            Msts(ItemCodes.MstsSupports), Msts(ItemCodes.MstsWalking), Msts(ItemCodes.MstsGait),
        ],
        [InstrumentCodes.MstsUpper] =
        [
            MstsPain, MstsFunction, MstsEmotional,
            Msts(ItemCodes.MstsHandPositioning), Msts(ItemCodes.MstsDexterity), Msts(ItemCodes.MstsLifting),
        ],
    };

    private static readonly Dictionary<string, ItemDefinition> ItemsByCode = ItemsByInstrument.Values
        .SelectMany(items => items)
        .DistinctBy(item => item.Code)
        .ToDictionary(item => item.Code, StringComparer.Ordinal);

    /// <summary>Every instrument code, in the order a survey asks them.</summary>
    public static IReadOnlyList<string> Instruments { get; } =
        [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower, InstrumentCodes.MstsUpper];

    /// <summary>Every item of every instrument, each once.</summary>
    public static IReadOnlyList<ItemDefinition> AllItems { get; } = [.. ItemsByCode.Values];

    public static IReadOnlyList<string> SupportedLocales { get; } = ["en", "es"];

    public static bool IsInstrument(string instrumentCode) => ItemsByInstrument.ContainsKey(instrumentCode);

    /// <exception cref="ArgumentException">The instrument code is not one of <see cref="Instruments"/>.</exception>
    public static IReadOnlyList<ItemDefinition> ItemsOf(string instrumentCode) =>
        ItemsByInstrument.TryGetValue(instrumentCode, out var items)
            ? items
            : throw new ArgumentException($"Unknown instrument '{instrumentCode}'.", nameof(instrumentCode));

    /// <summary>
    /// The items of a survey made of these instruments, in the order given, each item once
    /// (the MSTS variants share pain, function and emotional acceptance).
    /// </summary>
    /// <exception cref="ArgumentException">One of the codes is not an instrument.</exception>
    public static IReadOnlyList<ItemDefinition> ItemsOf(IEnumerable<string> instrumentCodes) =>
        [.. instrumentCodes.SelectMany(ItemsOf).DistinctBy(item => item.Code)];

    public static bool TryGetItem(string itemCode, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ItemDefinition? item) =>
        ItemsByCode.TryGetValue(itemCode, out item);

    /// <exception cref="ArgumentException">The item code is unknown.</exception>
    public static ItemDefinition Item(string itemCode) =>
        ItemsByCode.TryGetValue(itemCode, out var item)
            ? item
            : throw new ArgumentException($"Unknown item '{itemCode}'.", nameof(itemCode));

    /// <summary>
    /// The supported language a locale asks for: <c>"es-MX"</c>, <c>"ES"</c> and <c>"es_US"</c> give <c>"es"</c>;
    /// anything unsupported, empty or missing gives <see cref="DefaultLocale"/>.
    /// </summary>
    public static string ResolveLocale(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale))
        {
            return DefaultLocale;
        }

        var language = locale.Trim().Split('-', '_')[0];
        foreach (var supported in SupportedLocales)
        {
            if (string.Equals(language, supported, StringComparison.OrdinalIgnoreCase))
            {
                return supported;
            }
        }

        return DefaultLocale;
    }

    private static ItemDefinition Msts(string code) => new(code, 0, MstsItemMax);
}
