using Dapper;
using Microsoft.AspNetCore.Identity;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Portal.Accounts;

public sealed record NewStaffAccount(string UserName, string DisplayName, string Role, string Password);

/// <summary>The result of an account change: done, or the problems by field name.</summary>
public sealed record AccountChange(IReadOnlyDictionary<string, string> Problems)
{
    public static readonly AccountChange Done = new(new Dictionary<string, string>());
    public bool Succeeded => Problems.Count == 0;
    public static AccountChange Problem(string field, string message) => new(new Dictionary<string, string> { [field] = message });
}

/// <summary>Staff accounts in the Portal's own schema. Every change is audited in the same transaction.</summary>
public sealed class AccountStore(PortalDb db, IPasswordHasher<StaffAccount> hasher)
{
    private const string Columns = """
        account_id AS AccountId, user_name AS UserName, display_name AS DisplayName, role AS Role,
        password_hash AS PasswordHash, security_stamp AS SecurityStamp, failed_attempts AS FailedAttempts,
        locked_until AS LockedUntil, disabled AS Disabled, created_at AS CreatedAt, last_sign_in_at AS LastSignInAt
        """;

    public Task<StaffAccount?> FindByUserNameAsync(string userName, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<StaffAccount>($"SELECT {Columns} FROM staff_accounts WHERE user_name = @userName",
            new { userName = StaffRoles.NormalizeUserName(userName) }), ct);

    public Task<StaffAccount?> FindByIdAsync(Guid accountId, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<StaffAccount>($"SELECT {Columns} FROM staff_accounts WHERE account_id = @accountId", new { accountId }), ct);

    public async Task<IReadOnlyList<StaffAccount>> ListAsync(CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<StaffAccount>($"SELECT {Columns} FROM staff_accounts ORDER BY user_name"), ct)).AsList();

    public async Task<IReadOnlyList<AuditEntry>> RecentAuditAsync(int limit, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<AuditEntry>($"""
            SELECT audit_id AS AuditId, at AS At, actor AS Actor, action AS Action, subject AS Subject, detail AS Detail
            FROM audit_log ORDER BY audit_id DESC {db.Dialect.Limit("@limit")}
            """, new { limit }), ct)).AsList();

    public async Task<AccountChange> CreateAsync(NewStaffAccount account, string actor, CancellationToken ct = default)
    {
        var userName = StaffRoles.NormalizeUserName(account.UserName);
        var problems = new Dictionary<string, string>();
        if (!StaffRoles.IsValidUserName(userName))
            problems["UserName"] = "Use 2–64 lower-case letters, digits, dots, hyphens or underscores, starting with a letter or digit.";
        if (string.IsNullOrWhiteSpace(account.DisplayName) || account.DisplayName.Trim().Length > 100)
            problems["DisplayName"] = "Give a display name of 1–100 characters.";
        if (!StaffRoles.IsRole(account.Role))
            problems["Role"] = $"Choose one of: {string.Join(", ", StaffRoles.All)}.";
        if (StaffRoles.PasswordProblem(account.Password, userName) is { } passwordProblem)
            problems["Password"] = passwordProblem;
        if (problems.Count > 0) return new AccountChange(problems);

        var row = new StaffAccount
        {
            AccountId = Guid.CreateVersion7(),
            UserName = userName,
            DisplayName = account.DisplayName.Trim(),
            Role = account.Role,
            SecurityStamp = NewStamp(),
            CreatedAt = db.Clock.GetUtcNow(),
        };
        row = row with { PasswordHash = hasher.HashPassword(row, account.Password) };

        return await db.InTransactionAsync(async session =>
        {
            // ON CONFLICT (on SQL Server, the name's key range locked to the insert) keeps a concurrent create of the
            // same name from turning into an exception.
            var inserted = await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? """
                  INSERT INTO staff_accounts (account_id, user_name, display_name, role, password_hash, security_stamp,
                                              failed_attempts, disabled, created_at)
                  SELECT @AccountId, @UserName, @DisplayName, @Role, @PasswordHash, @SecurityStamp, 0, @Disabled, @CreatedAt
                  WHERE NOT EXISTS (SELECT 1 FROM staff_accounts WITH (UPDLOCK, HOLDLOCK) WHERE user_name = @UserName)
                  """
                : """
                INSERT INTO staff_accounts (account_id, user_name, display_name, role, password_hash, security_stamp,
                                            failed_attempts, disabled, created_at)
                VALUES (@AccountId, @UserName, @DisplayName, @Role, @PasswordHash, @SecurityStamp, 0, @Disabled, @CreatedAt)
                ON CONFLICT (user_name) DO NOTHING
                """, row);
            if (inserted == 0) return AccountChange.Problem("UserName", $"The user name '{userName}' is taken.");
            await PortalAudit.WriteAsync(session, actor, "account.created", userName, row.Role);
            return AccountChange.Done;
        }, ct);
    }

    public async Task<AccountChange> SetPasswordAsync(Guid accountId, string password, string actor, CancellationToken ct = default)
    {
        var account = await FindByIdAsync(accountId, ct);
        if (account is null) return AccountChange.Problem("", "No such account.");
        if (StaffRoles.PasswordProblem(password, account.UserName) is { } problem) return AccountChange.Problem("Password", problem);

        var hash = hasher.HashPassword(account, password);
        return await UpdateAsync(account, actor, "account.password-set", null,
            "UPDATE staff_accounts SET password_hash = @hash, security_stamp = @stamp, failed_attempts = 0, locked_until = NULL WHERE account_id = @accountId",
            new { hash, stamp = NewStamp(), accountId }, ct);
    }

    public async Task<AccountChange> SetRoleAsync(Guid accountId, string role, string actor, CancellationToken ct = default)
    {
        if (!StaffRoles.IsRole(role)) return AccountChange.Problem("Role", $"Choose one of: {string.Join(", ", StaffRoles.All)}.");
        var account = await FindByIdAsync(accountId, ct);
        if (account is null) return AccountChange.Problem("", "No such account.");
        if (account.Role == role) return AccountChange.Done;
        if (account.Role == PainProAuth.AdminRole && await IsLastActiveAdminAsync(account, ct))
            return AccountChange.Problem("Role", "This is the last active administrator; make another administrator first.");
        return await UpdateAsync(account, actor, "account.role-set", $"{account.Role} -> {role}",
            "UPDATE staff_accounts SET role = @role, security_stamp = @stamp WHERE account_id = @accountId",
            new { role, stamp = NewStamp(), accountId }, ct);
    }

    public async Task<AccountChange> SetDisabledAsync(Guid accountId, bool disabled, string actor, CancellationToken ct = default)
    {
        var account = await FindByIdAsync(accountId, ct);
        if (account is null) return AccountChange.Problem("", "No such account.");
        if (account.Disabled == disabled) return AccountChange.Done;
        if (disabled && account.Role == PainProAuth.AdminRole && await IsLastActiveAdminAsync(account, ct))
            return AccountChange.Problem("", "This is the last active administrator; it cannot be disabled.");
        return await UpdateAsync(account, actor, disabled ? "account.disabled" : "account.enabled", null,
            "UPDATE staff_accounts SET disabled = @disabled, security_stamp = @stamp WHERE account_id = @accountId",
            new { disabled, stamp = NewStamp(), accountId }, ct);
    }

    public async Task<AccountChange> UnlockAsync(Guid accountId, string actor, CancellationToken ct = default)
    {
        var account = await FindByIdAsync(accountId, ct);
        if (account is null) return AccountChange.Problem("", "No such account.");
        return await UpdateAsync(account, actor, "account.unlocked", null,
            "UPDATE staff_accounts SET failed_attempts = 0, locked_until = NULL WHERE account_id = @accountId",
            new { accountId }, ct);
    }

    /// <summary>
    /// Counts a failed sign-in atomically (concurrent guesses each count) and locks the account when the count
    /// reaches <paramref name="maxFailures"/>. Returns the lock-out end when this failure caused one.
    /// </summary>
    internal Task<DateTimeOffset?> RecordFailedSignInAsync(StaffAccount account, int maxFailures, TimeSpan lockout, CancellationToken ct) =>
        db.InTransactionAsync(async session =>
        {
            var failures = await session.ExecuteScalarAsync<long>(
                $"UPDATE staff_accounts SET failed_attempts = failed_attempts + 1{session.Dialect.Output("failed_attempts")} WHERE account_id = @AccountId{session.Dialect.Returning("failed_attempts")}",
                new { account.AccountId });
            if (failures < maxFailures)
            {
                await PortalAudit.WriteAsync(session, account.UserName, "sign-in.failed", account.UserName, $"attempt {failures}");
                return (DateTimeOffset?)null;
            }

            var until = session.Clock.GetUtcNow() + lockout;
            // The counter starts again after the lock-out, so the next window also gets maxFailures tries.
            await session.ExecuteAsync(
                "UPDATE staff_accounts SET failed_attempts = 0, locked_until = @until WHERE account_id = @AccountId",
                new { until, account.AccountId });
            await PortalAudit.WriteAsync(session, account.UserName, "sign-in.locked-out", account.UserName, $"until {until:O}");
            return until;
        }, ct);

    internal Task RecordSignInAsync(StaffAccount account, string? newPasswordHash, CancellationToken ct) =>
        db.InTransactionAsync(async session =>
        {
            await session.ExecuteAsync(
                """
                UPDATE staff_accounts
                SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = @now,
                    password_hash = COALESCE(@newPasswordHash, password_hash)
                WHERE account_id = @AccountId
                """,
                new { now = session.Clock.GetUtcNow(), newPasswordHash, account.AccountId });
            await PortalAudit.WriteAsync(session, account.UserName, "sign-in.succeeded", account.UserName);
        }, ct);

    internal Task AuditAsync(string actor, string action, string? subject, string? detail, CancellationToken ct) =>
        db.InTransactionAsync(session => PortalAudit.WriteAsync(session, actor, action, subject, detail), ct);

    private async Task<bool> IsLastActiveAdminAsync(StaffAccount account, CancellationToken ct)
    {
        var otherAdmins = await db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM staff_accounts WHERE role = @role AND disabled = @disabled AND account_id <> @AccountId",
            new { role = PainProAuth.AdminRole, disabled = false, account.AccountId }), ct);
        return otherAdmins == 0;
    }

    private Task<AccountChange> UpdateAsync(StaffAccount account, string actor, string action, string? detail, string sql, object param, CancellationToken ct) =>
        db.InTransactionAsync(async session =>
        {
            await session.ExecuteAsync(sql, param);
            await PortalAudit.WriteAsync(session, actor, action, account.UserName, detail);
            return AccountChange.Done;
        }, ct);

    private static string NewStamp() => Guid.NewGuid().ToString("N");
}
