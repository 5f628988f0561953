using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Portal;

/// <summary>The Portal service's own store (schema or file <c>portal</c>).</summary>
public sealed class PortalDb(DatabaseConnector connector, OutboxSignal outbox, TimeProvider clock)
    : ServiceDatabase(Name, connector, outbox, clock)
{
    public const string Name = "portal";
}
