using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Ingestion;

/// <summary>The Ingestion service's own store (schema or file <c>ingestion</c>).</summary>
public sealed class IngestionDb(DatabaseConnector connector, OutboxSignal outbox, TimeProvider clock)
    : ServiceDatabase(Name, connector, outbox, clock)
{
    public const string Name = "ingestion";
}
