namespace PainPro.Instruments;

public enum SmsEncoding
{
    /// <summary>The GSM 03.38 default alphabet: 7-bit septets, 160 per single message, 153 per part.</summary>
    Gsm7,

    /// <summary>Anything outside it (á, í, ó, ú, emoji …): UTF-16 code units, 70 per single message, 67 per part.</summary>
    Ucs2,
}

/// <summary>How a text will travel: its encoding, its length in that encoding's units, and how many SMS it costs.</summary>
public readonly record struct SmsSegmentCount(SmsEncoding Encoding, int Units, int Segments);

/// <summary>
/// Counts SMS segments the way carriers split messages. One character outside the GSM-7 alphabet turns the whole
/// text into UCS-2, which is why Spanish "á", "í", "ó", "ú" cost far more than "é", "ñ", "¿" (those are GSM-7).
/// A concatenated message loses 7 septets (or 3 code units) per part to its header, and a part never splits a
/// GSM-7 escape sequence or a UTF-16 surrogate pair, so both move whole to the next part.
/// </summary>
public static class SmsSegments
{
    private const int Gsm7Single = 160, Gsm7Part = 153, Ucs2Single = 70, Ucs2Part = 67;

    /// <summary>Every text PainPro sends a patient fits this many segments, in every language (DESIGN §5).</summary>
    public const int ConversationBudget = 2;

    /// <summary>Whether the text fits <see cref="ConversationBudget"/> segments.</summary>
    public static bool FitsBudget(string text) => Count(text).Segments <= ConversationBudget;

    // GSM 03.38 basic character set (the escape slot 0x1B excluded).
    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // The extension table: each costs an escape plus itself, two septets.
    private const string Gsm7Extension = "\f^{}\\[~]|€";

    private static readonly HashSet<char> Basic = [.. Gsm7Basic];
    private static readonly HashSet<char> Extension = [.. Gsm7Extension];

    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c) || Extension.Contains(c));

    public static SmsSegmentCount Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsGsm7(text))
        {
            var widths = text.Select(c => Extension.Contains(c) ? 2 : 1).ToList();
            return new SmsSegmentCount(SmsEncoding.Gsm7, widths.Sum(), Parts(widths, Gsm7Single, Gsm7Part));
        }

        var units = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            // A surrogate pair (most emoji) is two code units that must stay in one part.
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { units.Add(2); i++; }
            else units.Add(1);
        }
        return new SmsSegmentCount(SmsEncoding.Ucs2, units.Sum(), Parts(units, Ucs2Single, Ucs2Part));
    }

    private static int Parts(IReadOnlyList<int> widths, int single, int part)
    {
        if (widths.Sum() <= single) return 1;
        int parts = 1, used = 0;
        foreach (var width in widths)
        {
            if (used + width > part) { parts++; used = 0; }
            used += width;
        }
        return parts;
    }
}
