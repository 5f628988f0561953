using PainPro.Contracts;

namespace PainPro.Ingestion.Alerts;

/// <summary>
/// How soon an alert should be acknowledged, per severity, from <c>PainPro:Ingestion:Alerts</c>: a high alert within
/// <see cref="AlertThresholds.EscalateAfter"/> — the very delay after which escalation pages the care team again — and
/// medium and low ones within <see cref="AlertThresholds.AcknowledgeMediumWithin"/> and
/// <see cref="AlertThresholds.AcknowledgeLowWithin"/>. The clock of a high alert starts when it became high (as
/// escalation's does), of the others when the alert was raised. The worklist shows how far past it an open alert is.
/// </summary>
public sealed record AcknowledgeTargets(TimeSpan High, TimeSpan Medium, TimeSpan Low)
{
    public static AcknowledgeTargets From(AlertThresholds thresholds) =>
        new(thresholds.EscalateAfter, thresholds.AcknowledgeMediumWithin, thresholds.AcknowledgeLowWithin);

    public TimeSpan For(string severity) => severity switch
    {
        AlertSeverities.High => High,
        AlertSeverities.Medium => Medium,
        _ => Low,
    };

    /// <summary>When the alert should have been acknowledged by.</summary>
    public DateTimeOffset DueAt(AlertRecord alert) =>
        (alert.Severity == AlertSeverities.High ? alert.HighSince ?? alert.RaisedAt : alert.RaisedAt) + For(alert.Severity);

    /// <summary>The targets as the API shows them (ISO 8601 durations are awkward for people: seconds).</summary>
    public AcknowledgeTargetsView View => new((long)High.TotalSeconds, (long)Medium.TotalSeconds, (long)Low.TotalSeconds);
}

/// <summary>The acknowledgement target per severity, in seconds.</summary>
public sealed record AcknowledgeTargetsView(long HighSeconds, long MediumSeconds, long LowSeconds);
