using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace PainPro.Instruments;

public enum ReplyKind
{
    Answer,
    NotAnAnswer,
    OptOut,
    OptIn,
    Help,
}

/// <param name="Kind">What the text is.</param>
/// <param name="Value">The answer, only when <see cref="Kind"/> is <see cref="ReplyKind.Answer"/>.</param>
/// <param name="Keyword">The carrier keyword in upper case ("STOP", "START", "HELP" …), only for OptOut, OptIn and Help.</param>
public sealed record ReplyParse(ReplyKind Kind, int? Value, string? Keyword)
{
    public static ReplyParse NotAnAnswer { get; } = new(ReplyKind.NotAnAnswer, null, null);

    public static ReplyParse Answer(int value) => new(ReplyKind.Answer, value, null);
}

/// <summary>
/// Reads a patient's text message. Forgiving about form, never guessing about content: a message is an answer
/// only when it names exactly one value, in range, and nothing else in it could change what that value means.
/// </summary>
/// <remarks>
/// <para><b>Carrier keywords</b> come first, for every item and with no item at all. The whole message must be one
/// word (case-insensitive; surrounding whitespace and one trailing punctuation mark tolerated):
/// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT → <see cref="ReplyKind.OptOut"/>;
/// START, YES, UNSTOP → <see cref="ReplyKind.OptIn"/>; HELP, INFO → <see cref="ReplyKind.Help"/>.
/// "stop the pain is 7" is not a keyword.</para>
/// <para><b>Answers.</b> The text is compared without case, accents or invisible format characters ("SÉIS" = "seis"),
/// compatibility forms folded (full-width digits). It is split into words, numbers and the slash; these characters only separate:
/// whitespace <c>, ; : = ( ) " ' . ! ¡</c>. Any other character — <c>- + ? # &lt; &gt; %</c>, emoji, other
/// scripts' digits — makes the message not an answer, as does a decimal ("7.5", "7,5") or a body over
/// <see cref="MaxAnswerLength"/> characters. The message is an answer when it has:</para>
/// <list type="bullet">
/// <item>exactly one number: one or two ASCII digits ("7", "07"; "100" is refused) or a number word 0–10 in English or Spanish
/// ("seven", "siete", "uno"/"una"); optionally followed by the item's maximum as a denominator
/// ("7/10", "7 out of 10", "7 de 10", "3/5" for MSTS);</item>
/// <item>around it, only filler words from a short list ("pain", "my", "is", "it's", "I'd say", "about", "a",
/// "dolor", "mi", "es", "un", "tengo", "thanks", "gracias" …): "pain 7", "my pain is a 7", "tengo un 7";</item>
/// <item>or, for the analgesic item only, instead of the number one change word — less/menos → 1;
/// same/igual/mismo → 2; more/más → 3 — with words about medicine around it ("about the same", "lo mismo",
/// "less pain medicine", "tomo menos"); a number may accompany the word only if it agrees ("1 less").
/// "Pain" next to a change word needs a medicine word too: "less pain" may be about pain, not medicine.</item>
/// </list>
/// <para>The value must lie in the item's range: "4" answers MSTS but not the analgesic item; "11", "78", "-1",
/// "7 or 8", "7-8", "between 6 and 7", "more or less", "7?" and "" are not answers.</para>
/// </remarks>
public static class ReplyParser
{
    /// <summary>Longer messages are never read as answers (a single SMS segment is 160 characters).</summary>
    public const int MaxAnswerLength = 160;

    private static readonly FrozenDictionary<string, ReplyKind> Keywords = new Dictionary<string, ReplyKind>
    {
        ["STOP"] = ReplyKind.OptOut,
        ["STOPALL"] = ReplyKind.OptOut,
        ["UNSUBSCRIBE"] = ReplyKind.OptOut,
        ["CANCEL"] = ReplyKind.OptOut,
        ["END"] = ReplyKind.OptOut,
        ["QUIT"] = ReplyKind.OptOut,
        ["START"] = ReplyKind.OptIn,
        ["YES"] = ReplyKind.OptIn,
        ["UNSTOP"] = ReplyKind.OptIn,
        ["HELP"] = ReplyKind.Help,
        ["INFO"] = ReplyKind.Help,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly SearchValues<char> AsciiLetters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly FrozenDictionary<string, int> NumberWords = new Dictionary<string, int>
    {
        ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5,
        ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
        ["cero"] = 0, ["uno"] = 1, ["una"] = 1, ["dos"] = 2, ["tres"] = 3, ["cuatro"] = 4, ["cinco"] = 5,
        ["seis"] = 6, ["siete"] = 7, ["ocho"] = 8, ["nueve"] = 9, ["diez"] = 10,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, int> AnalgesicWords = new Dictionary<string, int>
    {
        ["less"] = 1, ["menos"] = 1,
        ["same"] = 2, ["igual"] = 2, ["mismo"] = 2, ["misma"] = 2,
        ["more"] = 3, ["mas"] = 3,
    }.ToFrozenDictionary();

    /// <summary>Words that may surround a number without changing it.</summary>
    private static readonly FrozenSet<string> NumberFillers = new[]
    {
        "pain", "my", "the", "is", "it", "its", "it's", "a", "i", "i'm", "im", "am", "at", "about", "around",
        "level", "score", "rate", "would", "say", "i'd", "id", "now", "right", "today", "currently", "answer",
        "ok", "okay", "please", "pls", "thanks", "thank", "you", "thx",
        "dolor", "mi", "el", "la", "es", "un", "nivel", "de", "tengo", "esta", "estoy", "en", "como", "ahora", "hoy",
        "gracias", "vale", "yo", "diria", "aproximadamente", "respuesta",
    }.ToFrozenSet();

    private static readonly FrozenSet<string> MedicineWords = new[]
    {
        "medicine", "medicines", "medication", "medications", "meds", "pill", "pills", "painkillers", "tablets",
        "medicina", "medicinas", "medicamento", "medicamentos", "pastilla", "pastillas", "analgesicos", "calmantes",
    }.ToFrozenSet();

    /// <summary>Words that may surround an analgesic change word ("I'm taking about the same").</summary>
    private static readonly FrozenSet<string> ChangeFillers = new[]
    {
        "i", "i'm", "im", "am", "taking", "take", "about", "the", "a", "as", "before", "than", "much", "lot", "little",
        "bit", "almost", "now", "today", "ok", "okay", "please", "thanks", "thank", "you", "pain",
        "estoy", "tomando", "tomo", "lo", "que", "antes", "mucho", "muchos", "muchas", "poco", "un", "casi",
        "aproximadamente", "ahora", "hoy", "gracias", "vale", "para", "el", "los", "la", "las", "dolor",
    }.Concat(MedicineWords).ToFrozenSet();

    /// <summary>Parses a text message sent in reply to <paramref name="item"/>. Never throws for any body.</summary>
    public static ReplyParse Parse(string? body, ItemDefinition item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ParseKeyword(body)
            ?? (ParseAnswer(body, item) is { } value ? ReplyParse.Answer(value) : ReplyParse.NotAnAnswer);
    }

    /// <summary>Parses a text message when no item is waiting for an answer: only the carrier keywords mean anything.</summary>
    public static ReplyParse Parse(string? body) => ParseKeyword(body) ?? ReplyParse.NotAnAnswer;

    private static ReplyParse? ParseKeyword(string? body)
    {
        var word = body.AsSpan().Trim();
        if (word.Length > 0 && char.IsPunctuation(word[^1]))
        {
            word = word[..^1].TrimEnd();
        }

        if (word.IsEmpty || word.ContainsAnyExcept(AsciiLetters))
        {
            return null;
        }

        var lookup = Keywords.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(word, out var kind)
            ? new ReplyParse(kind, null, word.ToString().ToUpperInvariant())
            : null;
    }

    private static int? ParseAnswer(string? body, ItemDefinition item)
    {
        if (body is null || body.Length > MaxAnswerLength || Fold(body) is not { } folded || Tokenize(folded) is not { } tokens)
        {
            return null;
        }

        var acceptsChangeWords = item.Code == ItemCodes.Analgesic;
        int? number = null;
        int? changeWord = null;
        var fillers = new List<string>();

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.IsSlash)
            {
                return null; // a slash that is not a denominator: "/7", "7/8", "1/2"
            }

            if (NumberOf(token) is { } value)
            {
                if (value < 0 || number is not null)
                {
                    return null; // three digits or more, or a second number: "100", "7 or 8", "7 7"
                }

                number = value;
                var denominator = DenominatorLength(tokens, i + 1, item.Max);
                if (denominator < 0)
                {
                    return null;
                }

                i += denominator; // the denominator is part of this number, not a second one
            }
            else if (acceptsChangeWords && AnalgesicWords.TryGetValue(token.Text, out var change))
            {
                if (changeWord is not null)
                {
                    return null; // "more or less", "less … more"
                }

                changeWord = change;
            }
            else
            {
                fillers.Add(token.Text);
            }
        }

        int answer;
        if (changeWord is { } word)
        {
            var aboutPainNotMedicine = fillers.Any(f => f is "pain" or "dolor") && !fillers.Any(MedicineWords.Contains);
            if ((number is not null && number != word) || !fillers.All(ChangeFillers.Contains) || aboutPainNotMedicine)
            {
                return null;
            }

            answer = word;
        }
        else if (number is { } n && fillers.All(NumberFillers.Contains))
        {
            answer = n;
        }
        else
        {
            return null;
        }

        return item.Accepts(answer) ? answer : null;
    }

    /// <summary>How many tokens from <paramref name="start"/> spell "/ max", "out of max", "de max" or "sobre max"; −1 when a slash leads to anything else.</summary>
    private static int DenominatorLength(List<Token> tokens, int start, int max)
    {
        bool IsMax(int index) => index < tokens.Count && NumberOf(tokens[index]) == max;
        bool Is(int index, string text) => index < tokens.Count && tokens[index].Text == text;

        if (start < tokens.Count && tokens[start].IsSlash)
        {
            return IsMax(start + 1) ? 2 : -1;
        }

        if (Is(start, "out") && Is(start + 1, "of") && IsMax(start + 2))
        {
            return 3;
        }

        return (Is(start, "de") || Is(start, "sobre")) && IsMax(start + 1) ? 2 : 0;
    }

    /// <summary>The value of a number token: digits or a number word; −1 for three digits or more; null for other tokens.</summary>
    private static int? NumberOf(Token token)
    {
        if (token.IsDigits)
        {
            return token.Text.Length <= 2 ? int.Parse(token.Text, CultureInfo.InvariantCulture) : -1;
        }

        return NumberWords.TryGetValue(token.Text, out var value) ? value : null;
    }

    /// <summary>
    /// Lower case, accents and format characters removed, compatibility forms folded (full-width and superscript
    /// digits), typographic apostrophes made plain. Null when the text holds surrogates (emoji and other astral symbols) or unassigned
    /// code points: never an answer, and <see cref="string.Normalize()"/> would throw on a lone surrogate.
    /// </summary>
    private static string? Fold(string body)
    {
        foreach (var c in body)
        {
            if (char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherNotAssigned)
            {
                return null;
            }
        }

        var decomposed = body.Normalize(NormalizationForm.FormKD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            // Accents, and the invisible format characters phones slip in (zero-width space, byte-order mark).
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format)
            {
                continue;
            }

            folded.Append(c is '\u2019' or '\u2018' or '`' ? '\'' : char.ToLowerInvariant(c));
        }

        return folded.ToString();
    }

    private readonly record struct Token(string Text)
    {
        public bool IsSlash => Text == "/";

        public bool IsDigits => char.IsAsciiDigit(Text[0]);
    }

    /// <summary>Words, digit runs and slashes; null when the text holds a decimal or a character that is none of these nor a separator.</summary>
    private static List<Token>? Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (i + 1 < text.Length && text[i] is '.' or ',' && char.IsAsciiDigit(text[i + 1]))
                {
                    return null; // a decimal: "7.5", "7,5"
                }

                tokens.Add(new Token(text[start..i]));
            }
            else if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetter(text[i]) || IsApostropheInWord(text, i)))
                {
                    i++;
                }

                tokens.Add(new Token(text[start..i]));
            }
            else if (c == '/')
            {
                tokens.Add(new Token("/"));
                i++;
            }
            else if (char.IsWhiteSpace(c) || c is ',' or ';' or ':' or '=' or '(' or ')' or '"' or '\'' or '.' or '!' or '¡')
            {
                i++;
            }
            else
            {
                return null;
            }
        }

        return tokens;
    }

    private static bool IsApostropheInWord(string text, int i) =>
        text[i] == '\'' && i + 1 < text.Length && char.IsLetter(text[i + 1]) && i > 0 && char.IsLetter(text[i - 1]);
}
