using System.Text.RegularExpressions;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Accounts;

/// <summary>A staff member who signs in to the Portal (a row of <c>staff_accounts</c>).</summary>
public sealed record StaffAccount
{
    public Guid AccountId { get; init; }
    public string UserName { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public string SecurityStamp { get; init; } = "";
    public int FailedAttempts { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public bool Disabled { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }

    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>The staff roles, in the order the admin page offers them, and the rules for names and passwords.</summary>
public static partial class StaffRoles
{
    public static readonly IReadOnlyList<string> All = [PainProAuth.NurseRole, PainProAuth.ManagerRole, PainProAuth.AdminRole];

    /// <summary>Roles that may see the manager dashboard.</summary>
    public const string DashboardRoles = PainProAuth.ManagerRole + "," + PainProAuth.AdminRole;

    public static bool IsRole(string? role) => role is not null && All.Contains(role);

    public static string Label(string role) => role switch
    {
        PainProAuth.NurseRole => "Nurse",
        PainProAuth.ManagerRole => "Service-line manager",
        PainProAuth.AdminRole => "Administrator",
        _ => role,
    };

    public const int MinimumPasswordLength = 10;

    /// <summary>User names are compared case-insensitively, so they are kept in lower case.</summary>
    public static string NormalizeUserName(string userName) => userName.Trim().ToLowerInvariant();

    public static bool IsValidUserName(string userName) => UserNamePattern().IsMatch(userName);

    /// <summary>Null when acceptable, else why not. Length matters most; composition rules mostly make passwords worse.</summary>
    public static string? PasswordProblem(string? password, string userName)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumPasswordLength)
            return $"Use at least {MinimumPasswordLength} characters.";
        if (password.Length > 200) return "Use at most 200 characters.";
        if (string.Equals(password.Trim(), userName, StringComparison.OrdinalIgnoreCase))
            return "The password must not be the user name.";
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex UserNamePattern();
}
