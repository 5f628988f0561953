using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.ServiceDefaults.Auth;

/// <summary>
/// Keys issued at the Portal reach every service as <see cref="ApiKeyIssued"/> (hash only) and are kept in the
/// service's own <c>api_keys</c> table, so a restarted service still knows them.
/// </summary>
public sealed class ApiKeyIssuedConsumer<TDb>(TDb db, Credentials credentials) : InboxConsumer<ApiKeyIssued>(db)
    where TDb : ServiceDatabase
{
    protected override async Task HandleAsync(ApiKeyIssued message, DbSession session, CancellationToken ct)
    {
        await session.ExecuteAsync(
            """
            INSERT INTO api_keys (sha256, name, issued_at) VALUES (@Sha256, @Name, @At)
            ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, revoked_at = NULL
            """, message);
        credentials.Accept(message.Sha256, message.Name);
    }
}

public sealed class ApiKeyRevokedConsumer<TDb>(TDb db, Credentials credentials) : InboxConsumer<ApiKeyRevoked>(db)
    where TDb : ServiceDatabase
{
    protected override async Task HandleAsync(ApiKeyRevoked message, DbSession session, CancellationToken ct)
    {
        await session.ExecuteAsync("UPDATE api_keys SET revoked_at = @At WHERE sha256 = @Sha256", message);
        credentials.Revoke(message.Sha256);
    }
}

/// <summary>Loads the issued keys of every service database at start-up (after migrations).</summary>
internal sealed class ApiKeyDirectoryLoader(IEnumerable<ServiceDatabase> databases, Credentials credentials) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var db in databases)
        {
            var keys = await db.ReadAsync(c => c.QueryAsync<(string Sha256, string Name)>(
                "SELECT sha256, name FROM api_keys WHERE revoked_at IS NULL"), cancellationToken);
            foreach (var (sha256, name) in keys) credentials.Accept(sha256, name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
