using System.Diagnostics;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Messaging.Telemetry;

/// <summary>The span of one provider send: the survey, attempt and channel, and what the provider made of it.</summary>
internal static class SendTelemetry
{
    /// <summary>
    /// Starts the span under <paramref name="publishedUnder"/> — the span its <c>SurveyDue</c> was published under, as
    /// a batch mixes messages of many traces — or, without one, under the current span.
    /// </summary>
    public static Activity? Start(SurveyDue due, string channel, ActivityContext? publishedUnder = null)
    {
        var activity = publishedUnder is { } parent
            ? PainProActivity.Messaging.StartActivity("send survey", ActivityKind.Internal, parent)
            : PainProActivity.Messaging.StartActivity("send survey");
        activity?.SetTag(PainProActivity.Tags.SurveyId, due.SurveyId)
            .SetTag(PainProActivity.Tags.Attempt, due.Attempt)
            .SetTag(PainProActivity.Tags.Channel, channel);
        return activity;
    }

    public static void Finish(Activity? activity, SendOutcome outcome)
    {
        if (activity is null) return;
        var (name, reason) = outcome switch
        {
            SendOutcome.Accepted => ("accepted", null),
            SendOutcome.Rejected r => ("rejected", r.Reason),
            SendOutcome.Unavailable => ("unavailable", null),
            SendOutcome.SenderRefused s => ("sender-refused", s.ProviderErrorCode),
            SendOutcome.Unknown => ("unknown", null),
            _ => ("other", null),
        };
        activity.SetTag(PainProActivity.Tags.Outcome, name);
        if (reason is not null) activity.SetTag(PainProActivity.Tags.Reason, reason);
        // Provider details can quote the request (the number); the status description keeps to the outcome.
        if (outcome is not SendOutcome.Accepted) activity.SetStatus(ActivityStatusCode.Error, name);
    }
}
