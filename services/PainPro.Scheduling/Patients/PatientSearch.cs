using System.Globalization;
using System.Text;

namespace PainPro.Scheduling.Patients;

/// <summary>
/// What a search box holds, read as staff mean it: a name whatever its accents and case, an MRN, or a phone number in
/// any common format. <c>%</c> and <c>_</c> are literal characters, never wildcards.
/// </summary>
public sealed record PatientSearch(string Query)
{
    /// <summary>A national number shorter than this is too ambiguous to match by its end.</summary>
    public const int MinPhoneDigits = 7;

    /// <summary>The query folded as the database folds names (<c>name_key</c>).</summary>
    public string NameKey => Fold(Query);

    /// <summary>
    /// The digits a stored E.164 number must end with, when the query looks like a phone number: "(555) 123-0001",
    /// "555.123.0001", "+1 555 123 0001" and "0044 20 7946 0000" all work; a national trunk "0" is dropped ("020 7946
    /// 0000" finds +44 20 7946 0000). Null when the query is not written like a phone number.
    /// </summary>
    public string? PhoneDigits
    {
        get
        {
            var written = Query.Trim();
            if (written.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)) written = written[4..];
            if (!written.All(c => char.IsDigit(c) || char.IsWhiteSpace(c) || c is '+' or '-' or '.' or '(' or ')' or '/')) return null;
            if (PainPro.Phones.PhoneNumber.TryParse(written, out var international)) return international.E164[1..];
            var digits = new string([.. written.Where(char.IsDigit).Select(c => (char)('0' + (int)char.GetNumericValue(c)))]);
            if (digits.StartsWith("00", StringComparison.Ordinal)) digits = digits[2..];
            else if (digits.StartsWith('0')) digits = digits[1..];
            return digits.Length >= MinPhoneDigits ? digits : null;
        }
    }

    /// <summary>Letters that do not decompose into a base letter and an accent, spelt as people type them without it.</summary>
    private static readonly Dictionary<char, string> Spelt = new()
    {
        ['ø'] = "o", ['æ'] = "ae", ['ß'] = "ss", ['ł'] = "l", ['đ'] = "d", ['ð'] = "d", ['þ'] = "th", ['œ'] = "oe",
        ['ı'] = "i", ['ħ'] = "h", ['ŧ'] = "t", ['ŋ'] = "n", ['ĸ'] = "k", ['ŀ'] = "l",
    };

    /// <summary>Accents removed, lower case, the letters of <see cref="Spelt"/> spelt out: "Muñoz Łukasz" → "munoz lukasz".</summary>
    public static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var lower = char.ToLowerInvariant(c);
            if (Spelt.TryGetValue(lower, out var spelt)) folded.Append(spelt);
            else folded.Append(lower);
        }
        return folded.ToString();
    }

    /// <summary>The text as a LIKE pattern matches it literally: <c>\</c>, <c>%</c> and <c>_</c> escaped (with <c>ESCAPE '\'</c>).</summary>
    public static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
