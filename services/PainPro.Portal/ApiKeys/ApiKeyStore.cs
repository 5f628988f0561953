using System.Security.Cryptography;
using Dapper;
using PainPro.Contracts;
using PainPro.Portal.Accounts;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.ApiKeys;

public sealed record IssuedApiKey
{
    public Guid KeyId { get; init; }
    public string Name { get; init; } = "";
    public string Hint { get; init; } = "";
    public DateTimeOffset IssuedAt { get; init; }
    public string IssuedBy { get; init; } = "";
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
}

/// <summary>A new key, returned exactly once: only its SHA-256 is stored.</summary>
public sealed record NewApiKey(Guid KeyId, string Name, string Key);

/// <summary>
/// Integration API keys issued on the admin page. The key is shown once and stored as its SHA-256; the
/// services learn of it through <see cref="ApiKeyIssued"/> / <see cref="ApiKeyRevoked"/>, written to the
/// outbox in the same transaction as the row, so a key is never live without a record or recorded but lost.
/// </summary>
public sealed class ApiKeyStore(PortalDb db)
{
    public const int MaxNameLength = 80;

    public async Task<IReadOnlyList<IssuedApiKey>> ListAsync(CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<IssuedApiKey>(
            """
            SELECT key_id AS KeyId, name AS Name, hint AS Hint, issued_at AS IssuedAt, issued_by AS IssuedBy,
                   revoked_at AS RevokedAt, revoked_by AS RevokedBy
            FROM issued_api_keys ORDER BY issued_at DESC
            """), ct)).AsList();

    public static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength
            ? $"Name the client the key is for (1–{MaxNameLength} characters), e.g. \"Epic interface engine\"."
            : null;

    public async Task<NewApiKey> IssueAsync(string name, string actor, CancellationToken ct = default)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
        name = name.Trim();
        // 256 random bits; the prefix tells a leaked key's origin at a glance (secret scanners like that).
        var key = "ppk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var sha256 = PainProAuth.Sha256Hex(key);
        var keyId = Guid.CreateVersion7();

        await db.InTransactionAsync(async session =>
        {
            var now = session.Clock.GetUtcNow();
            await session.ExecuteAsync(
                """
                INSERT INTO issued_api_keys (key_id, name, sha256, hint, issued_at, issued_by)
                VALUES (@keyId, @name, @sha256, @hint, @now, @actor)
                """, new { keyId, name, sha256, hint = "…" + key[^4..], now, actor });
            await session.PublishAsync(new ApiKeyIssued(name, sha256, now));
            await PortalAudit.WriteAsync(session, actor, "api-key.issued", name);
        }, ct);
        return new NewApiKey(keyId, name, key);
    }

    /// <summary>False when the key does not exist or was already revoked (nothing is published twice).</summary>
    public Task<bool> RevokeAsync(Guid keyId, string actor, CancellationToken ct = default) =>
        db.InTransactionAsync(async session =>
        {
            var now = session.Clock.GetUtcNow();
            var revoked = await session.QuerySingleOrDefaultAsync<RevokedRow>(
                $"""
                UPDATE issued_api_keys SET revoked_at = @now, revoked_by = @actor{session.Dialect.Output(RevokedColumns)}
                WHERE key_id = @keyId AND revoked_at IS NULL{session.Dialect.Returning(RevokedColumns)}
                """, new { keyId, now, actor });
            if (revoked is null) return false;
            await session.PublishAsync(new ApiKeyRevoked(revoked.Sha256, now));
            await PortalAudit.WriteAsync(session, actor, "api-key.revoked", revoked.Name);
            return true;
        }, ct);

    private const string RevokedColumns = "name AS Name, sha256 AS Sha256";

    private sealed record RevokedRow
    {
        public string Name { get; init; } = "";
        public string Sha256 { get; init; } = "";
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
