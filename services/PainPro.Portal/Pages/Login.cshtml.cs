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

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var check = await signIn.CheckPasswordAsync(UserName, Password, ct);
        switch (check.Outcome)
        {
            case SignInOutcome.Succeeded:
                await HttpContext.SignInAsync(PainProAuth.CookieScheme, SignInService.CreatePrincipal(check.Account!));
                // Only local return URLs: an open redirect would turn the sign-in page into a phishing aid.
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
            case SignInOutcome.LockedOut:
                Error = "This account is locked after repeated failed sign-ins. Try again later or ask an administrator to unlock it.";
                break;
            default:
                Error = "The user name or password is not right.";
                break;
        }
        Password = null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
