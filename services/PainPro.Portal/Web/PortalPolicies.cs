using Microsoft.AspNetCore.Authorization;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Web;

/// <summary>Who may open which Portal pages. Pages accept only the staff cookie, never an API key.</summary>
public static class PortalPolicies
{
    public const string Staff = "portal-staff";
    public const string Dashboard = "portal-dashboard";
    public const string Admin = "portal-admin";

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Staff, p => p.AddAuthenticationSchemes(PainProAuth.CookieScheme)
            .RequireRole(PainProAuth.NurseRole, PainProAuth.ManagerRole, PainProAuth.AdminRole))
        .AddPolicy(Dashboard, p => p.AddAuthenticationSchemes(PainProAuth.CookieScheme)
            .RequireRole(PainProAuth.ManagerRole, PainProAuth.AdminRole))
        .AddPolicy(Admin, p => p.AddAuthenticationSchemes(PainProAuth.CookieScheme)
            .RequireRole(PainProAuth.AdminRole));
}
