using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Accounts;

public enum SignInOutcome { Succeeded, Failed, LockedOut }

public sealed record SignInCheck(SignInOutcome Outcome, StaffAccount? Account = null, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Checks a user name and password: hashed passwords, lock-out after repeated failures, and the same work
/// (one hash verification) whether or not the user exists or is locked, so timing does not reveal which names are real.
/// The outcome tells a lock-out apart for the audit and the log; the sign-in page shows every failure the same way.
/// </summary>
public sealed class SignInService(
    AccountStore accounts,
    IPasswordHasher<StaffAccount> hasher,
    IOptions<PortalOptions> options,
    TimeProvider clock,
    ILogger<SignInService> logger)
{
    public const string StampClaim = "painpro:stamp";
    public const string DisplayNameClaim = "painpro:display-name";

    private readonly Lazy<string> decoyHash = new(() => hasher.HashPassword(new StaffAccount(), Guid.NewGuid().ToString()));

    public async Task<SignInCheck> CheckPasswordAsync(string? userName, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password)) return new(SignInOutcome.Failed);

        var account = await accounts.FindByUserNameAsync(userName, ct);
        if (account is null || account.Disabled)
        {
            hasher.VerifyHashedPassword(new StaffAccount(), decoyHash.Value, password);
            return new(SignInOutcome.Failed);
        }

        var now = clock.GetUtcNow();
        // A locked account's password is not checked, so guessing during the lock-out learns nothing; the decoy keeps
        // its answer as slow as any other, so timing does not tell a locked (real) name from an unknown one.
        if (account.IsLockedAt(now))
        {
            hasher.VerifyHashedPassword(new StaffAccount(), decoyHash.Value, password);
            return new(SignInOutcome.LockedOut, LockedUntil: account.LockedUntil);
        }

        var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var lockout = options.Value.Lockout;
            var lockedUntil = await accounts.RecordFailedSignInAsync(account, Math.Max(1, lockout.MaxFailures), lockout.Duration, ct);
            if (lockedUntil is null) return new(SignInOutcome.Failed);
            logger.LogWarning("Staff account {UserName} locked out until {LockedUntil} after repeated failed sign-ins", account.UserName, lockedUntil);
            return new(SignInOutcome.LockedOut, LockedUntil: lockedUntil);
        }

        // Old hashes (fewer iterations) are upgraded on the next successful sign-in.
        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(account, password) : null;
        await accounts.RecordSignInAsync(account, rehash, ct);
        return new(SignInOutcome.Succeeded, account);
    }

    public static ClaimsPrincipal CreatePrincipal(StaffAccount account)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, account.AccountId.ToString()),
            new Claim(ClaimTypes.Name, account.UserName),
            new Claim(ClaimTypes.Role, account.Role),
            new Claim(DisplayNameClaim, account.DisplayName),
            new Claim(StampClaim, account.SecurityStamp),
        ], PainProAuth.CookieScheme);
        return new ClaimsPrincipal(identity);
    }
}
