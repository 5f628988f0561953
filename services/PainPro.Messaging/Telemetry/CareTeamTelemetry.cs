using System.Diagnostics;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Messaging.Telemetry;

/// <summary>The span of one care-team notice, a child of the trace that raised its alert (recorded by the consumer).</summary>
internal static class CareTeamTelemetry
{
    private static readonly IReadOnlyDictionary<Guid, ActivityContext> None = new Dictionary<Guid, ActivityContext>();

    public static Task<IReadOnlyDictionary<Guid, ActivityContext>> OriginsAsync(MessagingDb db, IEnumerable<Guid> alertIds, CancellationToken ct) =>
        PainProActivity.Messaging.HasListeners()
            ? db.InTransactionAsync(session => TraceOrigins.FindAsync(session, PainProActivity.Messaging, alertIds), ct)
            : Task.FromResult(None);

    public static Activity? Start(IReadOnlyDictionary<Guid, ActivityContext> origins, Guid alertId, string kind, string channel)
    {
        var activity = PainProActivity.Messaging.StartActivity("notify care team", ActivityKind.Internal,
            origins.TryGetValue(alertId, out var origin) ? origin : default);
        activity?.SetTag(PainProActivity.Tags.AlertId, alertId).SetTag("painpro.notice.kind", kind).SetTag(PainProActivity.Tags.Channel, channel);
        return activity;
    }
}
