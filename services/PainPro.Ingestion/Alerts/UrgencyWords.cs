using System.Collections.Frozen;
using PainPro.Instruments;

namespace PainPro.Ingestion.Alerts;

/// <summary>
/// Words in a patient's text that make its <c>patient-message</c> alert high (DESIGN §6): a plea for a person, an
/// emergency, and the warning signs after bone and spine procedures — swelling, fever, breathing, chest pain, bleeding,
/// infection, new numbness or weakness, a fall, pain that stops sleep or gets worse, thoughts of dying. English and
/// Spanish for everyone (a patient may write in either), compared as whole words without case or accents; "can't",
/// "cant" and "cannot" read as "can not". More can be configured (<see cref="PatientMessageOptions.UrgentWords"/>).
/// </summary>
public static class UrgencyWords
{
    public static IReadOnlyList<string> BuiltIn { get; } =
    [
        // English
        "help", "call me", "please call", "call back", "emergency", "urgent", "911", "ambulance", "hospital",
        "swollen", "swelling", "swells", "fever", "feverish", "chills", "can not breathe", "short of breath", "trouble breathing",
        "chest pain", "bleeding", "pus", "infection", "infected", "numb", "numbness", "tingling", "weak", "weakness",
        "can not feel", "can not move", "can not walk", "can not sleep", "fell", "fallen", "worse", "getting worse",
        "suicide", "kill myself", "want to die",
        // Spanish
        "ayuda", "ayudeme", "ayudenme", "auxilio", "llamenme", "llameme", "llamame", "llamen", "emergencia", "urgente", "urgencia",
        "ambulancia", "hinchado", "hinchada", "hinchazon", "inflamado", "inflamada", "fiebre", "calentura", "escalofrios",
        "no puedo respirar", "me ahogo", "falta de aire", "dolor de pecho", "dolor en el pecho", "sangrado", "sangra", "pus",
        "infeccion", "infectado", "infectada", "entumecido", "entumecida", "adormecido", "adormecida", "hormigueo", "debil",
        "debilidad", "no siento", "no puedo mover", "no puedo caminar", "no puedo dormir", "me cai", "caida", "peor",
        "suicidio", "matarme", "quiero morir",
    ];

    private static readonly FrozenDictionary<string, string> Contractions = new Dictionary<string, string>
    {
        ["can't"] = "can not", ["cant"] = "can not", ["cannot"] = "can not", ["couldn't"] = "could not",
        ["don't"] = "do not", ["dont"] = "do not", ["won't"] = "will not",
    }.ToFrozenDictionary();

    /// <summary>
    /// The urgency phrases the text holds, each once, in the order of the list (built-in, then configured); a phrase
    /// overlapping words an earlier one matched is not named again ("please call me" is "call me", not also "please call").
    /// </summary>
    public static IReadOnlyList<string> Find(string? body, IEnumerable<string>? configured = null)
    {
        var words = Normalize(ReplyParser.Words(body));
        if (words.Count == 0) return [];
        var found = new List<string>();
        var used = new bool[words.Count];
        foreach (var phrase in BuiltIn.Concat(configured ?? []))
        {
            var wanted = Normalize(ReplyParser.Words(phrase));
            if (wanted.Count == 0 || found.Contains(phrase) || IndexOf(words, wanted, used) is not { } at) continue;
            found.Add(phrase);
            for (var i = at; i < at + wanted.Count; i++) used[i] = true;
        }
        return found;
    }

    private static List<string> Normalize(IReadOnlyList<string> words) =>
        [.. words.SelectMany(word => Contractions.TryGetValue(word, out var full) ? full.Split(' ') : [word])];

    /// <summary>Where the phrase first stands among words no earlier phrase took; null when it does not.</summary>
    private static int? IndexOf(List<string> words, List<string> phrase, bool[] used)
    {
        for (var i = 0; i + phrase.Count <= words.Count; i++)
        {
            var match = true;
            for (var j = 0; j < phrase.Count && match; j++) match = words[i + j] == phrase[j] && !used[i + j];
            if (match) return i;
        }
        return null;
    }
}
