using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PainPro.Contracts;

namespace PainPro.ServiceDefaults.Telemetry;

/// <summary>
/// PainPro's own instruments on the <c>PainPro</c> meter. The survey and alert counters are counted from the messages a
/// committed transaction wrote to its outbox (<see cref="Committed"/>): each fact is counted once, by the service that
/// decided it, and a rolled-back transaction counts nothing. Tags are channels, reasons, rules, severities and outcomes
/// only — never anything that names a patient.
/// </summary>
public sealed class PainProMetrics
{
    public const string MeterName = "PainPro";

    /// <summary>Every instrument this meter creates: name, kind and unit (the dashboard test checks its queries against these).</summary>
    public static readonly IReadOnlyList<(string Name, string Kind, string Unit)> Catalog =
    [
        (Names.SurveysClaimed, "counter", "{survey}"),
        (Names.SurveysSent, "counter", "{survey}"),
        (Names.SurveysDeferred, "counter", "{survey}"),
        (Names.SurveysFailed, "counter", "{survey}"),
        (Names.SurveysCompleted, "counter", "{survey}"),
        (Names.SurveysExpired, "counter", "{survey}"),
        (Names.SmsReplies, "counter", "{text}"),
        (Names.AlertsRaised, "counter", "{alert}"),
        (Names.ProviderRequestDuration, "histogram", "s"),
        (Names.SurveysDue, "gauge", "{survey}"),
        (Names.AlertsOpen, "gauge", "{alert}"),
        (Names.AlertsOpenOldestAge, "gauge", "s"),
        (Names.OutboxBacklog, "gauge", "{message}"),
        (Names.OutboxOldestUnsentAge, "gauge", "s"),
    ];

    public static class Names
    {
        public const string SurveysClaimed = "painpro.surveys.claimed";
        public const string SurveysSent = "painpro.surveys.sent";
        public const string SurveysDeferred = "painpro.surveys.deferred";
        public const string SurveysFailed = "painpro.surveys.failed";
        public const string SurveysCompleted = "painpro.surveys.completed";
        public const string SurveysExpired = "painpro.surveys.expired";
        public const string SmsReplies = "painpro.sms.replies";
        public const string AlertsRaised = "painpro.alerts.raised";
        public const string ProviderRequestDuration = "painpro.provider.request.duration";
        public const string SurveysDue = "painpro.surveys.due";
        public const string AlertsOpen = "painpro.alerts.open";
        public const string AlertsOpenOldestAge = "painpro.alerts.open.oldest_age";
        public const string OutboxBacklog = "painpro.outbox.backlog";
        public const string OutboxOldestUnsentAge = "painpro.outbox.oldest_unsent_age";
    }

    private readonly Counter<long> claimed, sent, deferred, failed, completed, expired, replies, alertsRaised;
    private readonly Histogram<double> providerRequests;

    public PainProMetrics(IMeterFactory meters, GaugeReadings gauges)
    {
        var meter = meters.Create(MeterName);
        claimed = meter.CreateCounter<long>(Names.SurveysClaimed, "{survey}", "Surveys the claim handed to Messaging (SurveyDue), by channel and attempt (first, reminder).");
        sent = meter.CreateCounter<long>(Names.SurveysSent, "{survey}", "Surveys the provider took, by channel.");
        deferred = meter.CreateCounter<long>(Names.SurveysDeferred, "{survey}", "Sends deferred (quiet hours, provider unavailable, our sender refused), by channel and reason.");
        failed = meter.CreateCounter<long>(Names.SurveysFailed, "{survey}", "Sends failed for good, by channel and reason.");
        completed = meter.CreateCounter<long>(Names.SurveysCompleted, "{survey}", "Surveys completed, by timepoint.");
        expired = meter.CreateCounter<long>(Names.SurveysExpired, "{survey}", "Surveys whose window closed unanswered, by timepoint.");
        replies = meter.CreateCounter<long>(Names.SmsReplies, "{text}", "Inbound texts handled, by outcome (answered, not-an-answer = refused, keywords …).");
        alertsRaised = meter.CreateCounter<long>(Names.AlertsRaised, "{alert}", "Alert notices (raised, raised again with new evidence, escalated), one per rule that fired, by rule and severity.");
        providerRequests = meter.CreateHistogram<double>(Names.ProviderRequestDuration, "s", "Requests to a message provider (Twilio), by provider and HTTP status code.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

        foreach (var (name, kind, unit) in Catalog.Where(i => i.Kind == "gauge"))
            meter.CreateObservableGauge(name, () => gauges.Read(name), unit);
    }

    /// <summary>Counts the facts in the messages a transaction wrote to its outbox; called once it committed.</summary>
    internal void Committed(IReadOnlyList<object> messages)
    {
        foreach (var message in messages)
        {
            switch (message)
            {
                case SurveyDue due:
                    claimed.Add(1, Tag("channel", due.Channel), Tag("attempt", due.Attempt == 0 ? "first" : "reminder"));
                    break;
                case SurveySent s:
                    sent.Add(1, Tag("channel", s.Channel));
                    break;
                case SurveyDeferred d:
                    deferred.Add(1, Tag("channel", d.Channel), Tag("reason", d.Reason));
                    break;
                case SurveyDeliveryFailed f:
                    failed.Add(1, Tag("channel", f.Channel), Tag("reason", f.Reason));
                    break;
                case SurveyCompleted c:
                    completed.Add(1, Tag("timepoint", c.Timepoint));
                    break;
                case SurveyExpired e:
                    expired.Add(1, Tag("timepoint", e.Timepoint));
                    break;
                case PainAlertRaised alert:
                    foreach (var rule in alert.Rules)
                        alertsRaised.Add(1, Tag("rule", rule), Tag("severity", alert.Severity), Tag("escalated", alert.Escalated));
                    break;
            }
        }
    }

    /// <summary>One inbound text handled; <paramref name="outcome"/> in kebab case (answered, not-an-answer, opted-out …).</summary>
    public void SmsReply(string outcome) => replies.Add(1, Tag("outcome", outcome));

    /// <summary>One request to a provider: its HTTP status, or the error that left it without one.</summary>
    public void ProviderRequest(string provider, int? statusCode, string? errorType, TimeSpan duration) =>
        providerRequests.Record(duration.TotalSeconds, Tag("provider", provider),
            Tag("http.response.status_code", statusCode is { } code ? code : null), Tag("error.type", errorType));

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}

/// <summary>
/// The latest value of each database-read gauge, per tag set, as the <see cref="GaugeSampler"/> last read them. An
/// observable gauge reports these; a tag set a source no longer reports disappears with its next reading.
/// </summary>
public sealed class GaugeReadings
{
    private readonly ConcurrentDictionary<(string Metric, string Source), Measurement<double>[]> readings = new();

    /// <summary>Replaces what <paramref name="source"/> last reported for <paramref name="metric"/>.</summary>
    public void Replace(string metric, string source, IEnumerable<Measurement<double>> measurements) =>
        readings[(metric, source)] = [.. measurements];

    public IEnumerable<Measurement<double>> Read(string metric) =>
        readings.Where(r => r.Key.Metric == metric).SelectMany(r => r.Value);

    public static Measurement<double> Value(double value, params KeyValuePair<string, object?>[] tags) => new(value, tags);
}
