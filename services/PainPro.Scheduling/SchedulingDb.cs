using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Scheduling;

/// <summary>The Scheduling service's own store (schema or file <c>scheduling</c>).</summary>
public sealed class SchedulingDb(DatabaseConnector connector, OutboxSignal outbox, TimeProvider clock)
    : ServiceDatabase(Name, connector, outbox, clock)
{
    public const string Name = "scheduling";
}
