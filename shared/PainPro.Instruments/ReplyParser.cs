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
/// <param name="Keyword">
/// The keyword in upper case without accents ("STOP", "START", "HELP", "PARAR" …), only for OptOut, OptIn and Help.
/// </param>
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
/// <para><b>Keywords</b> come first, for every item and with no item at all. The whole message must be one word
/// (case- and accent-insensitive; surrounding whitespace, one leading ¡ or ¿ and one trailing punctuation mark tolerated).
/// For everyone, the carriers' English keywords: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT → <see cref="ReplyKind.OptOut"/>;
/// START, YES, UNSTOP → <see cref="ReplyKind.OptIn"/>; HELP, INFO → <see cref="ReplyKind.Help"/>. For a patient whose
/// locale is Spanish, also PARAR, BAJA → <see cref="ReplyKind.OptOut"/>; COMENZAR → <see cref="ReplyKind.OptIn"/>;
/// AYUDA → <see cref="ReplyKind.Help"/>. "stop the pain is 7" is not a keyword.</para>
/// <para><b>Answers.</b> The text is compared without case, accents or invisible format characters ("SÉIS" = "seis"),
/// compatibility forms folded (full-width digits), a keycap emoji read as its digit ("7️⃣" is 7). It is split into words,
/// numbers and the slash; these only separate: whitespace, <c>, ; : = ( ) " ' . ! ¡</c> and emoji ("8 😭", "😭 9", "7!!"
/// are 8, 9 and 7). Emoji that read as a sign rather than a feeling — ➕ ➖ ➗ ✖️ ❌ ❎ ❓ ❔ 🚫 ⛔ — and any other character
/// — <c>- + ? # &lt; &gt; %</c>, other scripts' digits — make the message not an answer, as does a decimal ("7.5", "7,5")
/// or a body over <see cref="MaxAnswerLength"/> characters. The message is an answer when it has:</para>
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

    private static readonly FrozenDictionary<string, ReplyKind> CarrierKeywords = new Dictionary<string, ReplyKind>
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

    /// <summary>Keywords a Spanish-speaking patient may use besides the carriers' English ones (DESIGN §5).</summary>
    private static readonly FrozenDictionary<string, ReplyKind> SpanishKeywords = new Dictionary<string, ReplyKind>
    {
        ["PARAR"] = ReplyKind.OptOut,
        ["BAJA"] = ReplyKind.OptOut,
        ["COMENZAR"] = ReplyKind.OptIn,
        ["AYUDA"] = ReplyKind.Help,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The longest keyword; longer words are not looked up.</summary>
    private const int MaxKeywordLength = 11;

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
        ["more"] = 3, ["mas"] = 3, ["mayor"] = 3,
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

    /// <summary>
    /// Words that may surround a number on the 0–10 pain item only: "me duele 7", "hurts 7", "like a 5", "Hi 5",
    /// "Hola 5". ("más o menos 5" is read as a phrase, see <see cref="AboutPhrase"/>.) Elsewhere they could change what
    /// the number answers.
    /// </summary>
    private static readonly FrozenSet<string> PainOnlyFillers = new[]
    {
        "me", "duele", "hurts", "hurt", "hurting", "like", "hi", "hello", "hey", "hola", "buenas", "buenos", "dias",
    }.ToFrozenSet();

    /// <summary>"más o menos" (about) before a number on the pain item, folded.</summary>
    private static readonly string[] AboutPhrase = ["mas", "o", "menos"];

    /// <summary>The whole text, fillers aside, says "no pain" on the pain item: 0.</summary>
    private static readonly string[][] NoPainPhrases =
    [
        ["no", "pain"], ["doesn't", "hurt"], ["does", "not", "hurt"],
        ["sin", "dolor"], ["nada", "de", "dolor"], ["ningun", "dolor"], ["no", "tengo", "dolor"], ["no", "me", "duele"],
    ];

    /// <summary>Fillers that may go with a "no pain" phrase: "I have no pain at all", "ya no tengo dolor" is not one (two negations).</summary>
    private static readonly FrozenSet<string> NoPainFillers = new[] { "i", "have", "got", "at", "all", "today", "now", "right", "ahora", "hoy", "tengo", "ya" }.ToFrozenSet();

    private static readonly FrozenSet<string> PainWords = new[] { "pain", "dolor" }.ToFrozenSet();

    private static readonly FrozenSet<string> MedicineWords = new[]
    {
        "medicine", "medicines", "medication", "medications", "meds", "pill", "pills", "painkillers", "tablets",
        "medicina", "medicinas", "medicamento", "medicamentos", "pastilla", "pastillas", "analgesicos", "calmantes",
    }.ToFrozenSet();

    /// <summary>
    /// The words of each value's own labels, in every language, with a few short forms patients copy from our texts:
    /// "0 (no pain)", "10 (worst possible pain)", "10 worst", "3 = a brace" read as the number they label. Each label
    /// separately: the words after the number must all be one label's and make up at least half of it, so one shared
    /// word ("3 less" for "Less than I used to") is not taken for the label.
    /// </summary>
    private static readonly Lazy<FrozenDictionary<(string Item, int Value), FrozenSet<string>[]>> LabelWords = new(() =>
    {
        var extra = new Dictionary<(string, int), string[]>
        {
            [(ItemCodes.Vas, 0)] = ["no pain", "sin dolor", "nada", "none"],
            [(ItemCodes.Vas, 10)] = ["worst", "worst pain imaginable", "el peor", "el peor dolor imaginable", "max"],
        };
        var labels = new Dictionary<(string, int), List<FrozenSet<string>>>();
        foreach (var texts in Texts.Locales.All)
        foreach (var (code, text) in texts.Items)
        foreach (var (value, anchor) in text.Anchors)
        {
            // "In between …" names no level of its own: echoing it says nothing about which level.
            if (ItemCodes.IsMsts(code) && value is 4 or 2) continue;
            var key = (code, value);
            if (!labels.TryGetValue(key, out var sets)) labels[key] = sets = [];
            sets.Add(Words(anchor).ToFrozenSet());
            if (extra.Remove(key, out var more)) sets.AddRange(more.Select(label => Words(label).ToFrozenSet()));
        }
        return labels.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray());
    });

    /// <summary>Words that may surround an analgesic change word ("I'm taking about the same").</summary>
    private static readonly FrozenSet<string> ChangeFillers = new[]
    {
        "i", "i'm", "im", "am", "taking", "take", "about", "the", "a", "as", "before", "than", "much", "lot", "little",
        "bit", "almost", "now", "today", "ok", "okay", "please", "thanks", "thank", "you", "pain",
        "estoy", "tomando", "tomo", "lo", "que", "antes", "mucho", "muchos", "muchas", "poco", "un", "casi",
        "aproximadamente", "ahora", "hoy", "gracias", "vale", "para", "el", "los", "la", "las", "dolor", "una", "cantidad",
    }.Concat(MedicineWords).ToFrozenSet();

    /// <summary>The words after a number are its own label, or most of one (see <see cref="LabelWords"/>).</summary>
    private static bool EchoesLabel(ItemDefinition item, int value, List<string> words)
    {
        var said = words.Where(word => !NumberFillers.Contains(word)).ToHashSet();
        return LabelWords.Value.TryGetValue((item.Code, value), out var labels)
            && labels.Any(label => said.All(label.Contains) && words.Count(label.Contains) * 2 >= label.Count);
    }

    /// <summary>Parses a text message sent in reply to <paramref name="item"/>. Never throws for any body.</summary>
    /// <param name="locale">The patient's locale: Spanish adds its keywords to the carriers' English ones.</param>
    public static ReplyParse Parse(string? body, ItemDefinition item, string? locale = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ParseKeyword(body, locale)
            ?? (ParseAnswer(body, item) is { } value ? ReplyParse.Answer(value) : ReplyParse.NotAnAnswer);
    }

    /// <summary>Parses a text message when no item is waiting for an answer: only keywords mean anything.</summary>
    /// <param name="locale">The patient's locale: Spanish adds its keywords to the carriers' English ones.</param>
    public static ReplyParse Parse(string? body, string? locale = null) => ParseKeyword(body, locale) ?? ReplyParse.NotAnAnswer;

    /// <summary>
    /// The item a text names by word, for a patient changing an earlier answer ("PAIN 5", "dolor 5", "medicine 2"):
    /// a medicine word names the analgesic item ("pain medicine" is medicine), else "pain" or "dolor" names the pain
    /// item; null when it names neither.
    /// </summary>
    public static string? NamedItem(string? body)
    {
        var words = Words(body);
        if (words.Any(MedicineWords.Contains)) return ItemCodes.Analgesic;
        return words.Any(PainWords.Contains) ? ItemCodes.Vas : null;
    }

    /// <summary>
    /// Parses a text that names <paramref name="item"/> (<see cref="NamedItem"/>) as an answer to it, the naming words
    /// being fillers: "medicine 2", "MEDICINA 2", "pain 5". Keywords are not read here.
    /// </summary>
    public static ReplyParse ParseNamed(string? body, ItemDefinition item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ParseAnswer(body, item, named: true) is { } value ? ReplyParse.Answer(value) : ReplyParse.NotAnAnswer;
    }

    /// <summary>
    /// Words that carry no request of their own: courtesy ("ok", "thanks", "gracias") and the glue of a number that was
    /// not quite an answer ("7 or 8", "between 6 and 7", "7.5").
    /// </summary>
    private static readonly FrozenSet<string> SmallTalkWords = new[]
    {
        "ok", "okay", "k", "kk", "thanks", "thank", "you", "thx", "ty", "great", "good", "fine", "cool", "got", "it", "sure",
        "gracias", "muchas", "vale", "bien", "listo", "perfecto", "de", "nada", "buenas", "buenos", "dias", "hi", "hello", "hola",
        "or", "o", "and", "y", "to", "a", "al", "between", "entre", "point", "punto", "out", "of", "my", "pain", "dolor", "is", "es",
    }.ToFrozenSet();

    /// <summary>
    /// A text that needs no person to read it: only courtesy words, numbers and emoji ("ok", "Thanks!", "👍", "7 or 8",
    /// "7.5"), or nothing at all. Anything else a patient writes ("please call me", "no", "sí") is a message for staff.
    /// </summary>
    public static bool IsSmallTalk(string? body) =>
        Words(body).All(word => SmallTalkWords.Contains(word) || NumberWords.ContainsKey(word) || char.IsAsciiDigit(word[0]));

    /// <summary>
    /// The words of a text as the parser compares them: lower case, without accents, typographic apostrophes made plain;
    /// anything that is not a letter, a digit or an apostrophe inside a word separates. Never throws.
    /// </summary>
    public static IReadOnlyList<string> Words(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var folded = Fold(text, lenient: true)!;
        var words = new List<string>();
        var i = 0;
        while (i < folded.Length)
        {
            if (!char.IsLetterOrDigit(folded[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var digits = char.IsAsciiDigit(folded[i]);
            while (i < folded.Length && (digits ? char.IsAsciiDigit(folded[i]) : char.IsLetter(folded[i]) || IsApostropheInWord(folded, i)))
            {
                i++;
            }

            if (i == start) i++; // a digit of another script: skipped
            else words.Add(folded[start..i]);
        }

        return words;
    }

    private static ReplyParse? ParseKeyword(string? body, string? locale)
    {
        var word = body.AsSpan().Trim();
        if (word.Length > 0 && char.IsPunctuation(word[^1]))
        {
            word = word[..^1].TrimEnd();
        }

        if (word.Length > 0 && word[0] is '¡' or '¿')
        {
            word = word[1..].TrimStart();
        }

        if (word.IsEmpty || word.Length > MaxKeywordLength * 2)
        {
            return null; // a keyword with an accent on every letter is at most twice as long decomposed
        }

        var folded = word.ContainsAnyExcept(AsciiLetters) ? WithoutAccents(word) : word.ToString();
        if (folded is null || folded.Length > MaxKeywordLength || folded.AsSpan().ContainsAnyExcept(AsciiLetters))
        {
            return null;
        }

        if (CarrierKeywords.TryGetValue(folded, out var kind)
            || (InstrumentCatalog.ResolveLocale(locale) == "es" && SpanishKeywords.TryGetValue(folded, out kind)))
        {
            return new ReplyParse(kind, null, folded.ToUpperInvariant());
        }

        return null;
    }

    /// <summary>The word with its accents removed ("BÁJA" → "BAJA"); null when it holds anything but letters and accents.</summary>
    private static string? WithoutAccents(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsLetter(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                return null; // also keeps Normalize away from surrogates and noncharacters, on which it throws
            }
        }

        var decomposed = word.ToString().Normalize(NormalizationForm.FormD);
        var bare = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                bare.Append(c);
            }
        }

        return bare.ToString();
    }

    private static int? ParseAnswer(string? body, ItemDefinition item, bool named = false)
    {
        if (body is null || body.Length > MaxAnswerLength || Fold(body) is not { } folded || Tokenize(folded) is not { } tokens)
        {
            return null;
        }

        var isPain = item.Code == ItemCodes.Vas;
        if (isPain)
        {
            tokens = WithoutPhrase(tokens, AboutPhrase);
            if (SaysNoPain(tokens)) return 0;
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

            if (acceptsChangeWords && token.Text == "una" && i + 1 < tokens.Count && tokens[i + 1].Text == "cantidad")
            {
                fillers.Add(token.Text); // the article of "una cantidad mayor", not the number one
            }
            else if (NumberOf(token) is { } value)
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
        else if (number is { } n && fillers.All(f => NumberFillers.Contains(f)
                     || (isPain && PainOnlyFillers.Contains(f))
                     || (named && MedicineWords.Contains(f))))
        {
            answer = n;
        }
        else if (number is { } labelled && EchoesLabel(item, labelled, fillers))
        {
            answer = labelled; // the number followed by its own label: "0 (no pain)", "10 worst"
        }
        else
        {
            return null;
        }

        return item.Accepts(answer) ? answer : null;
    }

    /// <summary>The tokens without the first run that spells <paramref name="phrase"/>.</summary>
    private static List<Token> WithoutPhrase(List<Token> tokens, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= tokens.Count; i++)
        {
            if (phrase.Select((word, j) => tokens[i + j].Text == word).All(same => same))
            {
                return [.. tokens.Take(i), .. tokens.Skip(i + phrase.Length)];
            }
        }

        return tokens;
    }

    /// <summary>The text is a "no pain" phrase and nothing else but a few fillers: "no pain", "I have no pain at all", "sin dolor".</summary>
    private static bool SaysNoPain(List<Token> tokens)
    {
        foreach (var phrase in NoPainPhrases)
        {
            var rest = WithoutPhrase(tokens, phrase);
            if (rest.Count == tokens.Count - phrase.Length && rest.All(t => NoPainFillers.Contains(t.Text) || (NumberFillers.Contains(t.Text) && !PainWords.Contains(t.Text))))
            {
                return true;
            }
        }

        return false;
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
    /// Emoji that read as a sign, not a feeling: a plus, minus, times or divide, a cross, a question mark, a
    /// prohibition, the keycap ten. Next to a number they change what it says ("➖7", "7❓"), so they refuse it.
    /// </summary>
    private static readonly FrozenSet<int> SignEmoji = new[]
    {
        0x2795, 0x2796, 0x2797, 0x2716, 0x274C, 0x274E, 0x2753, 0x2754, 0x1F6AB, 0x26D4, 0x1F51F,
    }.ToFrozenSet();

    /// <summary>COMBINING ENCLOSING KEYCAP: "7️⃣" is the digit 7 drawn on a key.</summary>
    private const char Keycap = '\u20E3';

    /// <summary>
    /// Lower case, accents and format characters removed, compatibility forms folded (full-width and superscript
    /// digits), typographic apostrophes made plain, emoji turned into spaces and keycaps into their digit. Null when the
    /// text holds a lone surrogate, an unassigned code point, a sign emoji or any other astral character (other scripts'
    /// letters and digits): never an answer, and <see cref="string.Normalize()"/> would throw on a lone surrogate.
    /// </summary>
    /// <param name="lenient">Turn what the strict reading refuses (sign emoji, astral letters, lone surrogates) into spaces instead.</param>
    private static string? Fold(string body, bool lenient = false)
    {
        var visible = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i += char.IsHighSurrogate(body[i]) ? 2 : 1)
        {
            if (Rune.DecodeFromUtf16(body.AsSpan(i), out var rune, out _) != OperationStatus.Done)
            {
                if (!lenient) return null; // a lone surrogate
                visible.Append(' ');
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.OtherNotAssigned || SignEmoji.Contains(rune.Value))
            {
                if (!lenient) return null;
                visible.Append(' ');
                continue;
            }

            if (IsEmoji(rune, category))
            {
                visible.Append(' '); // "8😭" is "8 "
            }
            else if (rune.IsBmp)
            {
                visible.Append((char)rune.Value);
            }
            else if (category is not (UnicodeCategory.Format or UnicodeCategory.NonSpacingMark))
            {
                if (!lenient) return null; // tag characters of flag sequences and variation selectors are dropped; nothing else astral is read
                visible.Append(' ');
            }
        }

        var decomposed = visible.ToString().Normalize(NormalizationForm.FormKD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            // Accents, the invisible format characters phones slip in (zero-width space and joiner, byte-order mark),
            // emoji variation selectors, and the keycap around a digit.
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format || c == Keycap)
            {
                continue;
            }

            folded.Append(c is '\u2019' or '\u2018' or '`' ? '\'' : char.ToLowerInvariant(c));
        }

        return folded.ToString();
    }

    /// <summary>A pictograph or other symbol (category So), or an emoji skin-tone modifier: it says how the patient feels, never a number.</summary>
    private static bool IsEmoji(Rune rune, UnicodeCategory category) =>
        category == UnicodeCategory.OtherSymbol || rune.Value is >= 0x1F3FB and <= 0x1F3FF;

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
