using PainPro.Ingestion.Responses;
using PainPro.Instruments;

namespace PainPro.Ingestion.Alerts;

/// <summary>Revised answers of one survey, as an alert's history tells them: who, which items, from what to what.</summary>
/// <param name="Source">How the revising answers came: <see cref="ResponseSources"/>.</param>
/// <param name="EnteredBy">The staff member, for staff-entered answers.</param>
public sealed record AnswerChange(string Timepoint, IReadOnlyList<AnswerRevision> Revisions, string Source, string? EnteredBy)
{
    /// <summary>"patient revised day-3 pain 9 → 1 on the web form; no rule fires".</summary>
    public string Describe(string consequence)
    {
        var who = Source == ResponseSources.Staff ? $"{EnteredBy ?? "staff"} (staff)" : "patient";
        var how = Source switch
        {
            ResponseSources.Sms => " by text",
            ResponseSources.Web => " on the web form",
            _ => "",
        };
        var timepoint = AlertRules.TimepointLabel(Timepoint).ToLowerInvariant().Replace(' ', '-');
        return $"{who} revised {timepoint} {string.Join(", ", Revisions.Select(Describe))}{how}; {consequence}";
    }

    private static string Describe(AnswerRevision revision) => revision.Item switch
    {
        ItemCodes.Vas => $"pain {revision.From} → {revision.To}",
        ItemCodes.Analgesic => $"pain medicine {Scoring.AnalgesicChange(revision.From)} → {Scoring.AnalgesicChange(revision.To)}",
        _ when ItemCodes.IsMsts(revision.Item) =>
            $"MSTS {revision.Item[(revision.Item.IndexOf('.') + 1)..].Replace('-', ' ')} {revision.From} → {revision.To}",
        _ => $"{revision.Item} {revision.From} → {revision.To}",
    };
}
