using FsCheck;
using FsCheck.Fluent;
using PainPro.Instruments;
using PainPro.Messaging.Templates;

namespace PainPro.Messaging.Tests.Templates;

public class SurveyTemplatesTests
{
    private const string Link = "https://painpro.example.org/s/Zk3vQ9pL2mN8xR4tY7wB1c";
    private static readonly DateTimeOffset ClosesAt = new(2026, 11, 25, 19, 0, 0, TimeSpan.Zero);
    private readonly SurveyTemplates templates = new("Riverside Orthopaedic Oncology");

    // Twenty characters each: one in the GSM-7 alphabet, one that forces UCS-2.
    public const string GsmName = "Maximiliano Gonzalez";
    public const string Ucs2Name = "Zoë Ángela Márquez R";

    public static TheoryData<string, SurveyMessageKind, string> EveryTemplateAndName()
    {
        var data = new TheoryData<string, SurveyMessageKind, string>();
        foreach (var locale in SurveyTemplates.SupportedLocales)
        foreach (var kind in Enum.GetValues<SurveyMessageKind>())
        foreach (var name in new[] { GsmName, Ucs2Name })
            data.Add(locale, kind, name);
        return data;
    }

    public static TheoryData<string, SurveyMessageKind> EveryTemplate()
    {
        var data = new TheoryData<string, SurveyMessageKind>();
        foreach (var locale in SurveyTemplates.SupportedLocales)
        foreach (var kind in Enum.GetValues<SurveyMessageKind>())
            data.Add(locale, kind);
        return data;
    }

    [Fact]
    public void The_test_names_are_twenty_characters_in_their_intended_alphabets()
    {
        Assert.Equal(20, GsmName.Length);
        Assert.Equal(20, Ucs2Name.Length);
        Assert.True(SmsSegments.IsGsm7(GsmName));
        Assert.False(SmsSegments.IsGsm7(Ucs2Name));
    }

    [Theory]
    [MemberData(nameof(EveryTemplateAndName))]
    public void Every_SMS_template_fits_two_segments_with_a_20_character_name_kept_whole_or_without_its_accents(string locale, SurveyMessageKind kind, string name)
    {
        var sms = templates.Sms(locale, kind, name);

        var count = SmsSegments.Count(sms);
        Assert.True(count.Segments <= 2, $"{locale}/{kind} with '{name}' is {count}: {sms}");
        // The pain question in the instrument's own words would leave no room for a 20-character UCS-2 name:
        // the name is then written in GSM-7, or its first name kept with its accents.
        Assert.True(sms.Contains(name) || sms.Contains(GivenNames.AsGsm7(name)!) || sms.Contains(GivenNames.Shorten(name)), sms);
    }

    [Theory]
    [InlineData("Zoë Ángela", "Zoe Angela")]
    [InlineData("José Núñez", "José Nuñez")]
    [InlineData("Ana", "Ana")]
    [InlineData("李小龍", null)]
    public void A_name_is_written_in_GSM7_by_dropping_accents_GSM7_lacks_never_by_guessing_another_script(string name, string? plain)
    {
        Assert.Equal(plain, GivenNames.AsGsm7(name));
    }

    [Theory]
    [MemberData(nameof(EveryTemplate))]
    public void Both_forms_of_every_SMS_template_fit_two_segments_on_their_own(string locale, SurveyMessageKind kind)
    {
        var template = SurveyTemplates.SmsTexts[(locale, kind)];

        // The full form is GSM-7 by design (153 septets a part).
        var question = InstrumentTexts.For(ItemCodes.Vas, locale).SmsPrompt;
        var full = SmsSegments.Count(template.Full.Replace("{name}", GsmName).Replace("{question}", question));
        // The compact form is the last resort, with no name: it fits whatever the name was.
        var compact = SmsSegments.Count(template.Compact.Replace(" {name}", "").Replace("{name}", "").Replace("{question}", question));
        Assert.Equal(SmsEncoding.Gsm7, full.Encoding);
        Assert.True(full.Segments <= 2, $"{locale}/{kind} full form is {full}");
        Assert.True(compact.Segments <= 2, $"{locale}/{kind} compact form is {compact}");
    }

    [Theory]
    [InlineData("en", "Hi Ana,", "How bad is the pain at the treated area right now? Reply with one number from 0 (no pain) to 10", "Reply STOP to opt out.")]
    [InlineData("es", "Hola Ana,", "¿Qué tan fuerte es el dolor en la zona tratada ahora? Responda del 0 (sin dolor) al 10", "responda STOP.")]
    public void First_SMS_greets_by_given_name_asks_the_pain_question_and_says_how_to_opt_out(
        string locale, string greeting, string question, string optOut)
    {
        var sms = templates.Sms(locale, SurveyMessageKind.First, "Ana");

        Assert.StartsWith(greeting, sms);
        Assert.Contains(question, sms);
        Assert.EndsWith(optOut, sms);
    }

    [Theory]
    [InlineData("en", "reminder")]
    [InlineData("es", "recordamos")]
    public void Reminder_SMS_says_it_is_a_reminder(string locale, string word)
    {
        Assert.DoesNotContain(word, templates.Sms(locale, SurveyMessageKind.First, "Ana"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(word, templates.Sms(locale, SurveyMessageKind.Reminder, "Ana"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_name_outside_GSM7_switches_to_the_compact_form_instead_of_a_third_segment()
    {
        var gsm = templates.Sms("es", SurveyMessageKind.First, "Jose");
        var ucs2 = templates.Sms("es", SurveyMessageKind.First, "María");

        Assert.Equal(SmsEncoding.Gsm7, SmsSegments.Count(gsm).Encoding);
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Count(ucs2).Encoding);
        Assert.True(ucs2.Length < gsm.Length);
        Assert.Contains("STOP", ucs2);
    }

    [Fact]
    public void Any_given_name_at_all_still_gives_at_most_two_segments_and_an_opt_out_line()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), (string name) =>
            SurveyTemplates.SupportedLocales.All(locale =>
                Enum.GetValues<SurveyMessageKind>().All(kind =>
                {
                    var sms = templates.Sms(locale, kind, name);
                    return SmsSegments.Count(sms).Segments <= 2 && sms.Contains("STOP");
                })))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Theory]
    [InlineData(null, "Hi, your care team")]
    [InlineData("   ", "Hi, your care team")]
    [InlineData("  Ana \n Maria\t", "Hi Ana Maria, your care team")]
    public void Given_names_are_cleaned_to_one_line_or_left_out(string? name, string start)
    {
        Assert.StartsWith(start, templates.Sms("en", SurveyMessageKind.First, name));
    }

    [Theory]
    [InlineData("es-MX", "es")]
    [InlineData("ES", "es")]
    [InlineData("es_US", "es")]
    [InlineData("en-GB", "en")]
    [InlineData("fr", "en")]
    [InlineData("", "en")]
    [InlineData(null, "en")]
    public void Locales_resolve_to_a_supported_language_falling_back_to_English(string? locale, string expected)
    {
        Assert.Equal(expected, SurveyTemplates.ResolveLocale(locale));
    }

    [Fact]
    public void No_template_names_a_procedure_or_a_diagnosis()
    {
        string[] clinical = ["cementoplasty", "vertebroplasty", "kyphoplasty", "surgery", "cirug", "cancer", "cáncer", "tumo", "metasta", "fracture", "fractura", "oncolog", "procedure", "procedimiento"];
        var texts = SurveyTemplates.SmsTexts.Values.SelectMany(t => new[] { t.Full, t.Compact })
            .Concat(SurveyTemplates.EmailTexts.Values.SelectMany(t => new[] { t.Subject, t.Greeting, t.Intro, t.Button, t.LinkNote, t.OptOut }));
        foreach (var text in texts)
        foreach (var word in clinical)
            Assert.DoesNotContain(word, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void English_email_carries_the_name_link_organisation_expiry_and_opt_out_line_in_both_parts()
    {
        var email = templates.Email("en", SurveyMessageKind.First, "Ana", Link, ClosesAt, "America/New_York");

        Assert.Equal("Riverside Orthopaedic Oncology: a few questions about how you are doing", email.Subject);
        foreach (var part in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("Hi Ana,", part);
            Assert.Contains(Link, part);
            Assert.Contains("Riverside Orthopaedic Oncology", part);
            Assert.Contains("please tell your care team", part);
            Assert.Contains("Wednesday, November 25, 2026 2:00 PM", part); // 19:00 UTC in New York
        }
        Assert.Contains("<html lang=\"en\">", email.HtmlBody);
        Assert.Contains($"href=\"{Link}\"", email.HtmlBody);
    }

    [Fact]
    public void Spanish_email_is_in_Spanish_with_the_closing_time_in_the_patients_zone()
    {
        var email = templates.Email("es-MX", SurveyMessageKind.Reminder, "Ana", Link, ClosesAt, "America/Mexico_City");

        Assert.StartsWith("Recordatorio:", email.Subject);
        Assert.Contains("Hola Ana:", email.TextBody);
        Assert.Contains("dígaselo a su equipo médico", email.TextBody);
        Assert.Contains("25 de noviembre de 2026 13:00", email.TextBody); // 19:00 UTC in Mexico City
        Assert.Contains("<html lang=\"es\">", email.HtmlBody);
        Assert.Contains("Responder las preguntas", email.HtmlBody);
    }

    [Fact]
    public void Email_html_encodes_what_it_did_not_write()
    {
        var email = templates.Email("en", SurveyMessageKind.First, "<script>alert(1)</script>", Link + "?a=1&b=2", ClosesAt, "Not/AZone");

        Assert.DoesNotContain("<script>", email.HtmlBody);
        Assert.Contains("&lt;script&gt;", email.HtmlBody);
        Assert.Contains("?a=1&amp;b=2", email.HtmlBody);
        // An unknown zone gives no time in a zone the patient does not live in: a date on which the link is open anywhere.
        Assert.DoesNotContain("UTC", email.TextBody);
        Assert.Contains("Tuesday, November 24, 2026", email.TextBody);
    }
}
