using System.Diagnostics.CodeAnalysis;
using PhoneNumbers;

namespace PainPro.Phones;

/// <summary>
/// A phone number that can receive a text, in E.164 ("+15551230001"): the one form every service stores, compares
/// and sends to, so an opt-out recorded by one service matches the number another one texts.
/// </summary>
/// <remarks>
/// Parsed with libphonenumber and accepted when it is a <em>possible</em> number (right length for its country).
/// <c>IsValidNumber</c> is deliberately not asked: it refuses the reserved 555 numbers used in tests and demos, and
/// a number's validity changes as numbering plans do; the provider has the last word. A number with an extension
/// cannot receive a text and is refused, and so is anything but digits, a plus sign and the usual
/// punctuation between groups.
/// </remarks>
public sealed record PhoneNumber
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>Beyond this nothing is a phone number; libphonenumber would refuse it too, after more work.</summary>
    private const int MaxInputLength = 64;

    private PhoneNumber(string e164) => E164 = e164;

    /// <summary>"+", the country code and the national number, digits only.</summary>
    public string E164 { get; }

    /// <summary>
    /// Parses what a person or a system wrote: "+1 (555) 123-0001", "+1.555.123.0001", "tel:+15551230001" and
    /// full-width digits all give +15551230001. Without a leading "+" the number is read as dialled in
    /// <paramref name="defaultRegion"/> (ISO 3166 alpha-2, e.g. "US"); with no region it must carry its country code.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, string? defaultRegion, [NotNullWhen(true)] out PhoneNumber? number)
    {
        number = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxInputLength) return false;
        var written = text.Trim();
        if (written.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)) written = written[4..];
        if (!IsWrittenLikeAPhoneNumber(written)) return false;
        try
        {
            var parsed = Util.Parse(written, string.IsNullOrWhiteSpace(defaultRegion) ? "ZZ" : defaultRegion.Trim().ToUpperInvariant());
            if (parsed.HasExtension || !Util.IsPossibleNumber(parsed)) return false;
            number = new PhoneNumber(Util.Format(parsed, PhoneNumberFormat.E164));
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// Digits (any script), a plus sign and the punctuation people put between groups — nothing else. libphonenumber
    /// reads letters as a vanity number ("1-800-FLOWERS") and a trailing "x" as an empty extension; a patient's
    /// phone is neither, and a typo must be refused, not dialled.
    /// </summary>
    private static bool IsWrittenLikeAPhoneNumber(string written)
    {
        foreach (var c in written)
            if (!(char.IsDigit(c) || char.IsWhiteSpace(c) || c is '+' or '＋' or '-' or '.' or '(' or ')' or '/'))
                return false;
        return true;
    }

    /// <inheritdoc cref="TryParse(string?, string?, out PhoneNumber?)"/>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PhoneNumber? number) =>
        TryParse(text, null, out number);

    /// <summary>The E.164 form of <paramref name="text"/>, or null when it is not a phone number that can take a text.</summary>
    public static string? Normalize(string? text, string? defaultRegion = null) =>
        TryParse(text, defaultRegion, out var number) ? number.E164 : null;

    /// <summary>The international form for people to read and dial: "+1 555-123-0001", "+44 20 7946 0000".</summary>
    public string International => Util.Format(Util.Parse(E164, "ZZ"), PhoneNumberFormat.INTERNATIONAL);

    public override string ToString() => E164;
}
