namespace PainPro.Fhir;

/// <summary>
/// PainPro's canonical URLs, code systems and extensions. They are names, not addresses: they never change with the
/// deployment, so a Questionnaire or code stored in an EHR today still means the same thing after a move.
/// </summary>
public static class FhirVocabulary
{
    public const string CanonicalBase = "https://painpro.example/fhir";

    public const string Loinc = "http://loinc.org";

    /// <summary>LOINC 72514-3, "Pain severity - 0-10 verbal numeric rating [Score] - Reported": the VAS item and its Observation.</summary>
    public const string PainSeverityCode = "72514-3";

    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>Items, groups and scores that have no LOINC code: analgesic change, the MSTS items, totals, percent, response class.</summary>
    public const string Concepts = CanonicalBase + "/CodeSystem/painpro";

    public const string AnalgesicChange = CanonicalBase + "/CodeSystem/analgesic-change";

    /// <summary>An MSTS item's level, "0" to "5"; the answer option carries the same number as its ordinalValue.</summary>
    public const string MstsLevel = CanonicalBase + "/CodeSystem/msts-level";

    public const string ConsensusClass = CanonicalBase + "/CodeSystem/consensus-response-class";

    public const string AlertRule = CanonicalBase + "/CodeSystem/alert-rule";

    public const string AlertAction = CanonicalBase + "/CodeSystem/alert-action";

    public const string ProcedureType = CanonicalBase + "/CodeSystem/procedure-type";

    public const string BodySite = CanonicalBase + "/CodeSystem/body-site";

    public const string Timepoint = CanonicalBase + "/CodeSystem/timepoint";

    /// <summary>The PainPro survey id of a QuestionnaireResponse.</summary>
    public const string SurveyIdentifier = CanonicalBase + "/sid/survey";

    /// <summary>Which survey of the protocol (baseline, day3, month1, month3) a QuestionnaireResponse or Observation belongs to.</summary>
    public const string TimepointExtension = CanonicalBase + "/StructureDefinition/survey-timepoint";

    /// <summary>The patient's IANA time zone (valueCode), for the send window. Base R4 has no patient-level time zone.</summary>
    public const string PatientTimeZoneExtension = CanonicalBase + "/StructureDefinition/patient-time-zone";

    public const string TranslationExtension = "http://hl7.org/fhir/StructureDefinition/translation";
    public const string OrdinalValueExtension = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    public const string MinValueExtension = "http://hl7.org/fhir/StructureDefinition/minValue";
    public const string MaxValueExtension = "http://hl7.org/fhir/StructureDefinition/maxValue";

    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public const string Bcp47 = "urn:ietf:bcp:47";

    /// <summary>Codes in <see cref="Concepts"/>.</summary>
    public static class Codes
    {
        public const string AnalgesicChange = "analgesic-change";
        public const string MstsTotal = "msts-total";
        public const string MstsPercent = "msts-percent";
        public const string ConsensusResponseClass = "consensus-response-class";
        public const string PainAlert = "pain-alert";

        /// <summary>An item's code: <c>analgesic</c> is <c>analgesic-change</c>, <c>msts.pain</c> becomes <c>msts-pain</c>.</summary>
        public static string Item(string itemCode) => itemCode == "analgesic" ? AnalgesicChange : itemCode.Replace('.', '-');
    }
}
