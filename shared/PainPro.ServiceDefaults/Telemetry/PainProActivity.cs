using System.Diagnostics;

namespace PainPro.ServiceDefaults.Telemetry;

/// <summary>
/// PainPro's own spans, one <see cref="ActivitySource"/> per service so a trace shows which service did what even where
/// several run in one process (AllInOne). Attributes carry ids, counts, outcomes and reasons — never a patient's name,
/// phone, email or MRN.
/// </summary>
public static class PainProActivity
{
    public static readonly ActivitySource Platform = new("PainPro");
    public static readonly ActivitySource Scheduling = new("PainPro.Scheduling");
    public static readonly ActivitySource Messaging = new("PainPro.Messaging");
    public static readonly ActivitySource Ingestion = new("PainPro.Ingestion");

    /// <summary>Every PainPro source name, for the tracer provider.</summary>
    public static readonly string[] SourceNames = [Platform.Name, Scheduling.Name, Messaging.Name, Ingestion.Name];

    /// <summary>MassTransit's own source: publish, send and consume spans, trace context carried in message headers.</summary>
    public const string MassTransitSource = "MassTransit";

    /// <summary>Npgsql's own source: one span per command.</summary>
    public const string NpgsqlSource = "Npgsql";

    /// <summary>The W3C traceparent of the current span, to be stored beside what it caused; null when nothing is traced.</summary>
    public static string? CurrentTraceparent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>The span context a stored traceparent names, if it is one.</summary>
    public static ActivityContext? Parse(string? traceparent) =>
        traceparent is not null && ActivityContext.TryParse(traceparent, null, isRemote: true, out var context) ? context : null;

    public static class Tags
    {
        public const string SurveyId = "painpro.survey.id";
        public const string Attempt = "painpro.survey.attempt";
        public const string Channel = "painpro.channel";
        public const string Outcome = "painpro.outcome";
        public const string Reason = "painpro.reason";
        public const string Count = "painpro.count";
        public const string Deferred = "painpro.deferred";
        public const string Rules = "painpro.alert.rules";
        public const string Severity = "painpro.alert.severity";
        public const string Timepoint = "painpro.timepoint";
        public const string MessageType = "painpro.message.type";
        public const string AlertId = "painpro.alert.id";
    }
}
