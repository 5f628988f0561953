using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PainPro.Portal.Accounts;
using PainPro.Portal.Clients;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Web;

/// <summary>
/// What every Portal page shares: the signed-in user, and a way to load from the services that turns an
/// unavailable service into a message on the page (502) instead of an error screen.
/// </summary>
public abstract class PortalPageModel : PageModel
{
    /// <summary>Set when a service failed; the layout shows it in an alert box.</summary>
    public string? ServiceProblem { get; protected set; }

    /// <summary>One-shot confirmation after a POST-redirect-GET ("Alert acknowledged.").</summary>
    [Microsoft.AspNetCore.Mvc.TempData]
    public string? Confirmation { get; set; }

    public string CurrentUser => User.Identity?.Name ?? "";
    public string DisplayName => User.FindFirstValue(SignInService.DisplayNameClaim) ?? CurrentUser;
    public bool IsManager => User.IsInRole(PainProAuth.ManagerRole) || User.IsInRole(PainProAuth.AdminRole);
    public bool IsAdmin => User.IsInRole(PainProAuth.AdminRole);

    /// <summary>
    /// A part of the page that can be missing: on a service failure the page says so and shows the rest.
    /// </summary>
    protected async Task<T?> OptionalAsync<T>(Task<T> load)
    {
        try { return await load; }
        catch (ServiceApiException ex)
        {
            ServiceProblem = ServiceProblem is null ? ex.Message : $"{ServiceProblem} {ex.Message}";
            return default;
        }
    }

    /// <summary>Runs a load; on a service failure records the message and answers 502, so the page still renders.</summary>
    protected async Task<bool> TryLoadAsync(Func<Task> load)
    {
        try
        {
            await load();
            return true;
        }
        catch (ServiceApiException ex)
        {
            ServiceProblem = ex.Message;
            Response.StatusCode = StatusCodes.Status502BadGateway;
            return false;
        }
    }
}
