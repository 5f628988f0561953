using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Messaging;

/// <summary>The Messaging service's own store (schema or file <c>messaging</c>).</summary>
public sealed class MessagingDb(DatabaseConnector connector, OutboxSignal outbox, TimeProvider clock)
    : ServiceDatabase(Name, connector, outbox, clock)
{
    public const string Name = "messaging";
}
