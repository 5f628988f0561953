using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Accounts;
using PainPro.Portal.Web;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Pages;

public sealed class LoginModel(SignInService signIn) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public const string FailureMessage =
        "The user name or password is not right, or the account is locked after repeated failed sign-ins. " +
        "Try again, or ask an administrator to unlock or reset it.";

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var check = await signIn.CheckPasswordAsync(UserName, Password, ct);
        if (check.Outcome == SignInOutcome.Succeeded)
        {
            await HttpContext.SignInAsync(PainProAuth.CookieScheme, SignInService.CreatePrincipal(check.Account!));
            // Only local return URLs: an open redirect would turn the sign-in page into a phishing aid.
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }
        // One message for a wrong password, an unknown name, a disabled or a locked account: a message only real,
        // locked names got would tell an attacker which names exist.
        Error = FailureMessage;
        Password = null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
