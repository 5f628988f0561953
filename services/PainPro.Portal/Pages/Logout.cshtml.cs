using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Web;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Pages;

/// <summary>Sign-out is a POST with an antiforgery token, so another site cannot sign staff out.</summary>
public sealed class LogoutModel : PortalPageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PainProAuth.CookieScheme);
        return Redirect("/login");
    }
}
