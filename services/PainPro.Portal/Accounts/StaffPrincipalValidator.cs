using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace PainPro.Portal.Accounts;

/// <summary>
/// Re-checks a staff cookie against the account on every request: a disabled account, a new password or a
/// changed role (a new security stamp) ends existing sessions at once instead of when the cookie expires.
/// One primary-key read per page view is cheap next to the page itself.
/// </summary>
internal static class StaffPrincipalValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        // Only Portal-issued cookies carry a stamp; anything else is not ours to judge.
        var stamp = principal?.FindFirstValue(SignInService.StampClaim);
        if (principal is null || stamp is null) return;

        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
        var valid = Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var accountId)
            && await accounts.FindByIdAsync(accountId, context.HttpContext.RequestAborted) is { Disabled: false } account
            && account.SecurityStamp == stamp;
        if (valid) return;

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }
}
