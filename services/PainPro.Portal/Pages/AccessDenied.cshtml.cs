using PainPro.Portal.Web;

namespace PainPro.Portal.Pages;

public sealed class AccessDeniedModel : PortalPageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
