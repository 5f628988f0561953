using PainPro.Contracts;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;
using PainPro.Messaging.Templates;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// DESIGN §5: every conversation text fits two SMS segments in every language. Counted with the carriers' rules
/// (<see cref="SmsSegments"/>: GSM-7 with its extension characters, or UCS-2 as soon as one character is outside it) over
/// every text PainPro sends a patient — the survey texts Messaging sends (first and reminder, with a long and an
/// accented given name), and every reply the conversation can give: each answer's read-back followed by each next
/// question or the closing text, every "not an answer", every keyword, every correction, every "no questions waiting" —
/// with the longest care-team phone the configuration allows and a long form link.
/// </summary>
public sealed class ConversationBudgetTests
{
    public static readonly string[] GivenNames = ["Maximiliano Gonzalez", "Zoë Ángela Márquez R", "María", "Ana"];

    /// <summary>The longest phone <see cref="FacilityContacts"/> accepts, and a six-digit emergency number.</summary>
    private static readonly CareContact[] Contacts = [new("+1 (555) 010-0200 x9", "112233"), CareContact.Unconfigured];

    private const string LongLink = "https://painpro.riverside-orthopaedic-oncology.example.org/s/Zk3vQ9pL2mN8xR4tY7wB1c";

    /// <summary>Words outside GSM-7 the Spanish texts cannot avoid (so those texts travel as UCS-2, and are written to fit).</summary>
    private static readonly string[] UnavoidablyUcs2 = ["bastón"];

    public static TheoryData<string> Locales => new(InstrumentCatalog.SupportedLocales);

    [Fact]
    public void Every_survey_text_fits_two_segments_for_every_locale_kind_and_name()
    {
        var templates = new SurveyTemplates("Riverside Orthopaedic Oncology");
        var report = new List<string>();
        foreach (var locale in SurveyTemplates.SupportedLocales)
        foreach (var kind in Enum.GetValues<SurveyMessageKind>())
        foreach (var name in GivenNames)
        {
            var sms = templates.Sms(locale, kind, name);
            var count = SmsSegments.Count(sms);
            report.Add($"{locale} {kind} \"{name}\": {count}");
            Assert.True(count.Segments <= SmsSegments.ConversationBudget, $"{locale}/{kind} with {name}: {count}: {sms}");
            Assert.Contains(InstrumentTexts.For(ItemCodes.Vas, locale).Question, sms); // one wording of the pain question everywhere
            if (SmsSegments.IsGsm7(name)) Assert.Equal(SmsEncoding.Gsm7, count.Encoding);
        }
        Assert.Contains(templates.Sms("es", SurveyMessageKind.First, "María"), t => t == 'M'); // an accented short name is kept
        Assert.Contains("María", templates.Sms("es", SurveyMessageKind.First, "María"));
        Write("survey-texts", report);
    }

    [Theory, MemberData(nameof(Locales))]
    public void Every_reply_of_the_conversation_fits_two_segments_and_travels_as_GSM7_where_the_words_allow(string locale)
    {
        var report = new List<string>();
        var longest = new Dictionary<string, SmsSegmentCount>();
        foreach (var (what, text) in EveryReply(locale))
        {
            var count = SmsSegments.Count(text);
            Assert.True(count.Segments <= SmsSegments.ConversationBudget, $"{what}: {count}: {text}");
            var unavoidable = UnavoidablyUcs2.Any(word => text.Contains(word, StringComparison.Ordinal));
            if (!unavoidable) Assert.True(count.Encoding == SmsEncoding.Gsm7, $"{what} is UCS-2 without need: {text}");
            var kind = what.Split(' ')[0];
            if (!longest.TryGetValue(kind, out var worst) || count.Units > worst.Units) longest[kind] = count;
        }
        foreach (var (kind, count) in longest.OrderBy(k => k.Key)) report.Add($"{locale} {kind}: longest {count}");
        Write($"conversation-{locale}", report);
        Assert.True(longest.Count >= 8, string.Join(", ", longest.Keys));
    }

    /// <summary>Every reply the conversation can give in the locale, named by what produced it.</summary>
    private static IEnumerable<(string What, string Text)> EveryReply(string locale)
    {
        string[][] surveys =
        [
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic],
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower],
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsUpper],
        ];
        foreach (var contact in Contacts)
        foreach (var instruments in surveys)
        foreach (var link in new string?[] { null, LongLink })
        {
            var items = InstrumentCatalog.ItemsOf(instruments);
            // MSTS by text too (PainPro:Ingestion:Sms:AskMstsByText), so every item's question follows every read-back.
            for (var i = 0; i < items.Count; i++)
            {
                var state = new SmsSurveyState(locale, [.. items.Skip(i)], FormItemsRemain: link is not null, FormLink: link, Items: items);
                var asking = items[i];
                for (var value = asking.Min; value <= asking.Max; value++)
                    yield return ($"answer {asking.Code}={value}", SmsConversation.Next(value.ToString(), state, locale, contact).Reply);
                foreach (var body in new[] { "7 please call me", "ok", "YES", "HELP", "STOP", "pain 10", "medicine 3", "dolor 10", "medicina 3" })
                    yield return ($"reply-{body.Split(' ')[0].ToLowerInvariant()} asking {asking.Code}", SmsConversation.Next(body, state, locale, contact).Reply);
                yield return ($"not-an-answer {asking.Code}", InstrumentTexts.NotAnAnswer(asking.Code, locale, contact));
            }
            var done = new SmsSurveyState(locale, [], FormItemsRemain: link is not null, FormLink: link, AllAnswered: link is null, Items: items);
            foreach (var body in new[] { "my leg is swollen", "thanks", "pain 10", "medicine 3" })
                yield return ($"after-the-last {body}", SmsConversation.Next(body, done, locale, contact).Reply);
            yield return ("no-open-survey", SmsConversation.Next("hello?", null, locale, contact).Reply);
            yield return ("help", InstrumentTexts.Help(locale, contact));
            yield return ("thanks", InstrumentTexts.Thanks(locale, contact));
            yield return ("opted-out", InstrumentTexts.OptedOut(locale));
            yield return ("opted-in", InstrumentTexts.OptedIn(locale));
        }
    }

    private static void Write(string name, IEnumerable<string> lines)
    {
        var directory = Path.Combine(PainPro.Testing.TestInfrastructure.RepositoryRoot, "tests", ".artifacts", "sms-segments");
        Directory.CreateDirectory(directory);
        File.WriteAllLines(Path.Combine(directory, name + ".txt"), lines);
    }
}
