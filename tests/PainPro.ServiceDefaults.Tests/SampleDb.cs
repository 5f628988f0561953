using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>A service database of the tests' own, with one table, to exercise the platform on both dialects.</summary>
public sealed class SampleDb(DatabaseConnector connector, OutboxSignal outbox, TimeProvider clock)
    : ServiceDatabase("sample", connector, outbox, clock);

public sealed record Note(Guid Id, string Body, DateTimeOffset WrittenAt);
