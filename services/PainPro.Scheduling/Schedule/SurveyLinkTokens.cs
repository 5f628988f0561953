using System.Buffers.Text;
using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using PainPro.ServiceDefaults.Clock;

namespace PainPro.Scheduling.Schedule;

/// <summary>
/// Survey link tokens: 128 random bits, base64url without padding (22 characters). Scheduling keeps each only
/// encrypted with the Data Protection key ring (<c>surveys.link_token_protected</c>), decrypting it for every send so
/// reminders carry the same link; Ingestion keeps only its hash. A copy of the database opens no survey.
/// </summary>
public sealed class SurveyLinkTokens(IDataProtectionProvider dataProtection)
{
    // Every Data Protection payload starts with its magic header, 09 F0 C9 F0, which is "CfDJ8" in base64url.
    private const string ProtectedPrefix = "CfDJ8";

    private readonly IDataProtector protector = dataProtection.CreateProtector("PainPro.Scheduling.SurveyLinkToken");

    /// <summary>A new token, encrypted for storage.</summary>
    public string NewProtected() => protector.Protect(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));

    /// <summary>The token behind a stored value; a value stored before encryption (plain) is returned as it is.</summary>
    public string Reveal(string stored) => IsProtected(stored) ? protector.Unprotect(stored) : stored;

    public string Protect(string token) => protector.Protect(token);

    public static bool IsProtected(string stored) => stored.StartsWith(ProtectedPrefix, StringComparison.Ordinal);
}

/// <summary>
/// Encrypts the link tokens of surveys stored before tokens were encrypted, a batch per run, once per process start;
/// afterwards it has nothing to do. Until a row is converted <see cref="SurveyLinkTokens.Reveal"/> reads it as it is.
/// </summary>
public sealed class PlainLinkTokenConversion(SchedulingDb db, SurveyLinkTokens tokens, ILogger<PlainLinkTokenConversion> logger) : IDueWork
{
    private const int BatchSize = 500;
    private bool done;

    public string Name => "scheduling: encrypt link tokens stored in plain text";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        if (done) return 0;
        var converted = await db.InTransactionAsync(async session =>
        {
            var plain = (await session.QueryAsync<(Guid Id, string Token)>(
                $"""
                SELECT {db.Dialect.Top("@batch")}id, link_token_protected FROM surveys{db.Dialect.ClaimHint}
                WHERE link_token_protected NOT LIKE 'CfDJ8%' {db.Dialect.LimitUnordered("@batch")}{db.Dialect.ForUpdateSkipLocked}
                """, new { batch = BatchSize })).AsList();
            foreach (var (id, token) in plain)
                await session.ExecuteAsync("UPDATE surveys SET link_token_protected = @value WHERE id = @id", new { id, value = tokens.Protect(token) });
            return plain.Count;
        }, ct);
        if (converted > 0) logger.LogInformation("Encrypted {Count} survey link tokens stored in plain text", converted);
        else done = true;
        return converted;
    }
}
