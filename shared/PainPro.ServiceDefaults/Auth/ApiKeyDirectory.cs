using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.ServiceDefaults.Auth;

/// <summary>
/// Keys issued at the Portal reach every service as <see cref="ApiKeyIssued"/> (hash only) and are kept in the
/// service's own <c>api_keys</c> table. One replica of each service consumes the event; every replica authenticates
/// against the table (<see cref="IssuedApiKeys"/>), so all of them agree within the cache duration.
/// </summary>
/// <remarks>
/// Issue and revoke may arrive in either order (different queues, retries): a revocation that comes first leaves a
/// revoked row, and a late issue only fills in the name, never clears <c>revoked_at</c>. A key's hash is 256 random
/// bits, so no key is ever issued twice.
/// </remarks>
public sealed class ApiKeyIssuedConsumer<TDb>(TDb db) : InboxConsumer<ApiKeyIssued>(db)
    where TDb : ServiceDatabase
{
    protected override Task HandleAsync(ApiKeyIssued message, DbSession session, CancellationToken ct) =>
        session.ExecuteAsync(session.Dialect.IsSqlServer
            ? """
              MERGE api_keys WITH (HOLDLOCK) AS k USING (SELECT @Sha256 AS sha256, @Name AS name, @At AS issued_at) AS v ON k.sha256 = v.sha256
              WHEN MATCHED THEN UPDATE SET name = v.name, issued_at = v.issued_at
              WHEN NOT MATCHED THEN INSERT (sha256, name, issued_at) VALUES (v.sha256, v.name, v.issued_at);
              """
            : """
            INSERT INTO api_keys (sha256, name, issued_at) VALUES (@Sha256, @Name, @At)
            ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, issued_at = excluded.issued_at
            """, message with { Sha256 = IssuedApiKeys.Normalize(message.Sha256) });
}

public sealed class ApiKeyRevokedConsumer<TDb>(TDb db) : InboxConsumer<ApiKeyRevoked>(db)
    where TDb : ServiceDatabase
{
    protected override Task HandleAsync(ApiKeyRevoked message, DbSession session, CancellationToken ct) =>
        session.ExecuteAsync(session.Dialect.IsSqlServer
            ? """
              MERGE api_keys WITH (HOLDLOCK) AS k USING (SELECT @Sha256 AS sha256, @At AS revoked_at) AS v ON k.sha256 = v.sha256
              WHEN MATCHED THEN UPDATE SET revoked_at = COALESCE(k.revoked_at, v.revoked_at)
              WHEN NOT MATCHED THEN INSERT (sha256, name, issued_at, revoked_at) VALUES (v.sha256, N'', v.revoked_at, v.revoked_at);
              """
            : """
            INSERT INTO api_keys (sha256, name, issued_at, revoked_at) VALUES (@Sha256, '', @At, @At)
            ON CONFLICT (sha256) DO UPDATE SET revoked_at = COALESCE(api_keys.revoked_at, excluded.revoked_at)
            """, message with { Sha256 = IssuedApiKeys.Normalize(message.Sha256) });
}

/// <summary>
/// Looks presented keys up in the service's <c>api_keys</c> table through a short cache
/// (<c>PainPro:Auth:IssuedKeyCacheDuration</c>, 2 s): a key issued or revoked at the Portal is accepted or refused by
/// every replica within that time after its event is consumed, without a replica needing to hear the event itself.
/// </summary>
/// <remarks>
/// Why the table and not a per-replica queue: a replica's own auto-delete queue loses every event published while it
/// is disconnected (a broker restart deletes the queue), and a replica that missed a revocation would accept the key
/// until restarted. The table is written once per service by a durable queue's consumer and read by all, so it is
/// right after any outage; the cost is one primary-key read per key and replica every few seconds.
/// Unknown keys are cached too, so a client retrying a bad key does not reach the database on every request.
/// </remarks>
public sealed class IssuedApiKeys(IEnumerable<ServiceDatabase> databases, IOptions<PainProOptions> options, TimeProvider cacheClock)
{
    // A flood of distinct made-up keys must not grow the cache without bound.
    private const int MaxEntries = 10_000;

    private readonly ServiceDatabase? database = databases.FirstOrDefault();
    private readonly TimeSpan duration = options.Value.Auth.IssuedKeyCacheDuration;
    private readonly ConcurrentDictionary<string, Entry> cache = new(StringComparer.Ordinal);

    private sealed record Entry(string? Name, long ExpiresAt);

    /// <summary>The key's client name, or null when no live issued key has this hash.</summary>
    public async ValueTask<string?> FindAsync(string sha256, CancellationToken ct)
    {
        if (database is null) return null;
        var now = cacheClock.GetTimestamp();
        if (cache.TryGetValue(sha256, out var cached) && cached.ExpiresAt > now) return cached.Name;

        var name = await database.ReadAsync(c => c.QuerySingleOrDefaultAsync<string?>(
            "SELECT name FROM api_keys WHERE sha256 = @sha256 AND revoked_at IS NULL", new { sha256 }), ct);
        if (cache.Count >= MaxEntries) cache.Clear();
        var ticks = (long)(duration.TotalSeconds * cacheClock.TimestampFrequency);
        cache[sha256] = new Entry(name, now + ticks);
        return name;
    }

    internal static string Normalize(string sha256) => sha256.Trim().ToLowerInvariant();
}
