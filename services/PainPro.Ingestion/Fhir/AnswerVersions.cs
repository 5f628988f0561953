using Hl7.Fhir.Model;

namespace PainPro.Ingestion.Fhir;

/// <summary>
/// The one place the FHIR API knows how answer versions are stored. Every query of answers (alias <c>r</c> on
/// <c>responses</c>) filters with <see cref="CurrentAnswer"/> and reads <see cref="Revised"/> as its <c>Revised</c>
/// column; <see cref="Status"/> turns those into the resource status.
/// </summary>
/// <remarks>
/// Today <c>responses</c> holds only the current answer and a replaced value is logged in <c>response_changes</c>.
/// When <c>responses</c> keeps every version with <c>superseded_at</c> (null = current), set
/// <see cref="ResponsesHaveSupersededAt"/> to true: nothing else changes.
/// </remarks>
internal static class AnswerVersions
{
    public const bool ResponsesHaveSupersededAt = false;

    /// <summary>True for the current version of an answer.</summary>
    public const string CurrentAnswer = ResponsesHaveSupersededAt ? "r.superseded_at IS NULL" : "1 = 1";

    /// <summary>True when the answer has an earlier version (the patient or staff revised it).</summary>
    public const string Revised = ResponsesHaveSupersededAt
        ? "EXISTS (SELECT 1 FROM responses v WHERE v.survey_id = r.survey_id AND v.item = r.item AND v.superseded_at IS NOT NULL)"
        : "EXISTS (SELECT 1 FROM response_changes v WHERE v.survey_id = r.survey_id AND v.item = r.item)";

    /// <summary>
    /// <c>amended</c> once any answer of the survey was revised; otherwise <c>completed</c>, or <c>stopped</c> for a
    /// survey whose window closed part-answered.
    /// </summary>
    public static QuestionnaireResponse.QuestionnaireResponseStatus Status(bool completed, IEnumerable<bool> revised) =>
        revised.Any(r => r) ? QuestionnaireResponse.QuestionnaireResponseStatus.Amended
        : completed ? QuestionnaireResponse.QuestionnaireResponseStatus.Completed
        : QuestionnaireResponse.QuestionnaireResponseStatus.Stopped;
}
