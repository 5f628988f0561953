using Hl7.Fhir.Model;

namespace PainPro.Ingestion.Fhir;

/// <summary>
/// The one place the FHIR API knows how answer versions are stored (every version in <c>responses</c>, the current one
/// with <c>superseded_at</c> null). Every query of answers (alias <c>r</c>) filters with <see cref="CurrentAnswer"/>
/// and reads <see cref="Revised"/> as its <c>Revised</c> column; <see cref="Status"/> turns those into the status.
/// </summary>
internal static class AnswerVersions
{
    /// <summary>True for the current version of an answer.</summary>
    public const string CurrentAnswer = "r.superseded_at IS NULL";

    /// <summary>True when the answer has an earlier version (the patient or staff revised it).</summary>
    public const string Revised =
        "EXISTS (SELECT 1 FROM responses v WHERE v.survey_id = r.survey_id AND v.item = r.item AND v.superseded_at IS NOT NULL)";

    /// <summary>
    /// <c>amended</c> once any answer of the survey was revised; otherwise <c>completed</c>, or <c>stopped</c> for a
    /// survey whose window closed part-answered.
    /// </summary>
    public static QuestionnaireResponse.QuestionnaireResponseStatus Status(bool completed, IEnumerable<bool> revised) =>
        revised.Any(r => r) ? QuestionnaireResponse.QuestionnaireResponseStatus.Amended
        : completed ? QuestionnaireResponse.QuestionnaireResponseStatus.Completed
        : QuestionnaireResponse.QuestionnaireResponseStatus.Stopped;
}
