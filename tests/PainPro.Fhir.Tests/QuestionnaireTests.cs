using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using PainPro.Contracts;
using PainPro.Fhir;
using PainPro.Ingestion.Fhir;
using PainPro.Instruments;
using Xunit;

namespace PainPro.Fhir.Tests;

/// <summary>The Questionnaire definitions, built from the instruments: codes, options, translations, stable identity.</summary>
public sealed class QuestionnaireTests
{
    /// <summary>The content of each published version. A change to texts or codes must come with a new version.</summary>
    private static readonly Dictionary<string, string> ContentOfVersion = new()
    {
        ["1.0.0"] = "6ec855c71be47149f65c7743fe6b497720f9db5d88e093109241fa7692cb0f2e",
        ["1.1.0"] = "77bb201fbe171c6975b2e802db6b0e43f591c39fc07e8ff340bb9fbc29711895", // issue 20: plain words in both languages
    };

    private static IEnumerable<Questionnaire> Standard => QuestionnaireCatalog.StandardShapes.Select(QuestionnaireCatalog.Build);

    [Fact]
    public void Questionnaire_content_changes_only_with_a_new_version()
    {
        var content = string.Join("\n", Standard.Select(FhirJson.Serialize));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        Assert.True(ContentOfVersion.TryGetValue(QuestionnaireCatalog.Version, out var recorded),
            $"Version {QuestionnaireCatalog.Version} is new: record its content hash {hash} in {nameof(ContentOfVersion)}.");
        Assert.True(recorded == hash,
            $"The Questionnaires changed (hash {hash}) but are still version {QuestionnaireCatalog.Version}: raise QuestionnaireCatalog.Version and record the new hash.");
    }

    [Fact]
    public void The_four_survey_shapes_have_stable_ids_and_canonical_urls()
    {
        Assert.Equal(
            ["painpro-vas", "painpro-vas-analgesic", "painpro-vas-analgesic-msts-lower", "painpro-vas-analgesic-msts-upper"],
            Standard.Select(q => q.Id));
        Assert.All(Standard, q =>
        {
            Assert.Equal($"https://painpro.example/fhir/Questionnaire/{q.Id}", q.Url);
            Assert.Equal(QuestionnaireCatalog.Version, q.Version);
            Assert.Equal(QuestionnaireCatalog.InstrumentsOf(q.Id!), QuestionnaireCatalog.StandardShapes.Single(s => QuestionnaireCatalog.IdOf(s) == q.Id));
        });
        Assert.Null(QuestionnaireCatalog.InstrumentsOf("painpro-msts"));
        Assert.Null(QuestionnaireCatalog.InstrumentsOf("painpro-vas-vas"));
        Assert.Null(QuestionnaireCatalog.InstrumentsOf("other-vas"));
    }

    [Fact]
    public void Pain_is_LOINC_72514_3_and_every_other_item_a_PainPro_code()
    {
        var items = Flatten(QuestionnaireCatalog.Build([InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower])).ToList();
        var pain = items.Single(i => i.LinkId == ItemCodes.Vas);
        Assert.Equal(("http://loinc.org", "72514-3"), (pain.Code[0].System, pain.Code[0].Code));
        Assert.Equal(Questionnaire.QuestionnaireItemType.Integer, pain.Type);
        Assert.All(items.Where(i => i.LinkId != ItemCodes.Vas), i => Assert.Equal(FhirVocabulary.Concepts, i.Code[0].System));
        Assert.Contains(items, i => i.Code[0].Code == "analgesic-change");
    }

    [Fact]
    public void MSTS_answer_options_carry_their_score_as_ordinalValue_and_every_text_its_Spanish_translation()
    {
        foreach (var variant in new[] { InstrumentCodes.MstsLower, InstrumentCodes.MstsUpper })
        {
            var questionnaire = QuestionnaireCatalog.Build([InstrumentCodes.Vas, InstrumentCodes.Analgesic, variant]);
            var msts = Flatten(questionnaire).Where(i => ItemCodes.IsMsts(i.LinkId!)).ToList();
            Assert.Equal(InstrumentCatalog.ItemsOf(variant).Select(i => i.Code), msts.Select(i => i.LinkId));
            Assert.All(msts, item =>
            {
                Assert.Equal(6, item.AnswerOption.Count);
                Assert.All(item.AnswerOption, option =>
                {
                    var coding = (Coding)option.Value!;
                    var ordinal = (FhirDecimal)option.GetExtension(FhirVocabulary.OrdinalValueExtension)!.Value!;
                    Assert.Equal(decimal.Parse(coding.Code!), ordinal.Value);
                    Assert.Equal(InstrumentTexts.For(item.LinkId!, "es").AnchorFor(int.Parse(coding.Code!)), Spanish(coding.DisplayElement));
                });
            });
            Assert.All(Flatten(questionnaire), item => Assert.False(string.IsNullOrWhiteSpace(Spanish(item.TextElement))));
            Assert.Equal(InstrumentTexts.For(ItemCodes.MstsPain, "es").Question, Spanish(msts[0].TextElement));
        }
    }

    [Fact]
    public void A_response_is_amended_once_any_answer_was_revised_and_stopped_when_left_part_answered()
    {
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, AnswerVersions.Status(true, [false, false]));
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Amended, AnswerVersions.Status(true, [false, true]));
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Stopped, AnswerVersions.Status(false, [false]));
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Amended, AnswerVersions.Status(false, [true]));
    }

    private static string? Spanish(Element? element) =>
        element?.GetExtension(FhirVocabulary.TranslationExtension) is { } translation
        && translation.GetExtensionValue<Code>("lang")?.Value == "es"
            ? translation.GetExtensionValue<FhirString>("content")?.Value
            : null;

    private static IEnumerable<Questionnaire.ItemComponent> Flatten(Questionnaire questionnaire) =>
        questionnaire.Item.SelectMany(i => i.Item.Count > 0 ? i.Item.Prepend(i) : [i]);
}
