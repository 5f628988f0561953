using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PainPro.Instruments.Tests;

/// <summary>
/// US school grade of a text: Flesch–Kincaid for English, Crawford (1984, written for Spanish grades 1–6) for Spanish.
/// Syllables are counted by rule (vowel groups; English silent e; Spanish hiatus), which is what these formulas were
/// validated with. Digits, phone numbers and keywords in capitals are not words here.
/// </summary>
public static partial class Readability
{
    public static double Grade(string text, string locale) =>
        locale == "es" ? Crawford(text) : FleschKincaid(text);

    public static double FleschKincaid(string text)
    {
        var (words, sentences, syllables) = Count(text, EnglishSyllables);
        return words == 0 ? 0 : 0.39 * words / sentences + 11.8 * syllables / words - 15.59;
    }

    public static double Crawford(string text)
    {
        var (words, sentences, syllables) = Count(text, SpanishSyllables);
        if (words == 0) return 0;
        return -0.205 * (sentences * 100.0 / words) + 0.049 * (syllables * 100.0 / words) - 3.407;
    }

    private static (int Words, int Sentences, int Syllables) Count(string text, Func<string, int> syllablesOf)
    {
        var words = WordPattern().Matches(text).Select(m => m.Value).Where(w => !(w.Length > 1 && w.All(char.IsUpper))).ToList();
        var sentences = Math.Max(1, SentenceEnd().Matches(text).Count);
        return (words.Count, sentences, words.Sum(w => syllablesOf(w.ToLower(CultureInfo.InvariantCulture))));
    }

    private static int EnglishSyllables(string word)
    {
        word = word.Replace("'", "");
        if (word.Length <= 3) return 1;
        var groups = EnglishVowels().Matches(word).Count;
        if (word.EndsWith('e') && !word.EndsWith("le", StringComparison.Ordinal) && groups > 1) groups--;
        if ((word.EndsWith("ed", StringComparison.Ordinal) || word.EndsWith("es", StringComparison.Ordinal))
            && !Regex.IsMatch(word, "(t|d)ed$|(s|x|z|ch|sh|c|g)es$") && groups > 1) groups--;
        return Math.Max(1, groups);
    }

    private static int SpanishSyllables(string word)
    {
        const string strong = "aeoáéó", accentedWeak = "íú", vowels = "aeiouáéíóúü";
        var count = 0;
        for (var i = 0; i < word.Length; i++)
        {
            if (!vowels.Contains(word[i])) continue;
            var previous = i > 0 && vowels.Contains(word[i - 1]) ? word[i - 1] : (char?)null;
            // A new syllable unless it joins the vowel before it in a diphthong (a weak vowel without accent on either side).
            var hiatus = previous is { } p && (strong.Contains(p) && strong.Contains(word[i]) || accentedWeak.Contains(p) || accentedWeak.Contains(word[i]));
            // "qu" and "gu" before e or i: the u is silent.
            var silentU = previous == 'u' && i >= 2 && word[i - 2] is 'q' or 'g' && word[i] is 'e' or 'i' or 'é' or 'í';
            if (previous is null || (hiatus && !silentU)) count++;
        }
        return Math.Max(1, count);
    }

    [GeneratedRegex(@"\p{L}+(?:'\p{L}+)?")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"[.!?]+(\s|$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex("[aeiouy]+")]
    private static partial Regex EnglishVowels();
}
