using System.Diagnostics;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Sms;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Ingestion.Telemetry;

/// <summary>Ingestion's spans: one inbound text's handling and one run of the alert rules. Outcomes and ids, never the text.</summary>
internal static class IngestionTelemetry
{
    public static Activity? StartReply(Guid? surveyId)
    {
        var activity = PainProActivity.Ingestion.StartActivity("handle sms reply");
        if (surveyId is { } id) activity?.SetTag(PainProActivity.Tags.SurveyId, id);
        return activity;
    }

    /// <summary>Tags the span with what the text was, and counts it once its transaction commits.</summary>
    public static void FinishReply(Activity? activity, DbSession session, SmsOutcome outcome, PainProMetrics? metrics)
    {
        var name = Kebab(outcome);
        activity?.SetTag(PainProActivity.Tags.Outcome, name);
        if (metrics is not null) session.OnCommitted(() => metrics.SmsReply(name));
    }

    public static Activity? StartAlertEvaluation(Guid surveyId, string timepoint)
    {
        var activity = PainProActivity.Ingestion.StartActivity("evaluate alert rules");
        activity?.SetTag(PainProActivity.Tags.SurveyId, surveyId).SetTag(PainProActivity.Tags.Timepoint, timepoint);
        return activity;
    }

    public static void FinishAlertEvaluation(Activity? activity, AlertFinding? finding)
    {
        if (activity is null) return;
        activity.SetTag(PainProActivity.Tags.Outcome, finding is null ? "no-alert" : "alert");
        if (finding is null) return;
        activity.SetTag(PainProActivity.Tags.Rules, string.Join(',', finding.Rules)).SetTag(PainProActivity.Tags.Severity, finding.Severity);
    }

    /// <summary><c>NotAnAnswer</c> → <c>not-an-answer</c>.</summary>
    internal static string Kebab(SmsOutcome outcome) =>
        string.Concat(outcome.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
