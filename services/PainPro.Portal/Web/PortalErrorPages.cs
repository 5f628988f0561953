using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Net.Mime;

namespace PainPro.Portal.Web;

/// <summary>
/// A browser that asks for a Portal page and gets an error without a body (a missing alert or patient, an unmapped
/// address) sees the Portal's error page (<c>/error/{code}</c>), with the Portal's layout and security headers,
/// instead of problem+json. APIs, webhooks, the survey form and health keep their own answers.
/// </summary>
public static class PortalErrorPages
{
    private static readonly string[] NotPages = ["/api", "/webhooks", "/health", "/s", "/fhir", "/openapi", "/portal/assets", "/error"];

    public static WebApplication UsePortalErrorPages(this WebApplication app)
    {
        app.UseWhen(IsPageRequest, branch => branch.UseStatusCodePagesWithReExecute("/error/{0}"));
        return app;
    }

    internal static bool IsPageRequest(HttpContext context)
    {
        var path = context.Request.Path;
        if (NotPages.Any(prefix => path.StartsWithSegments(prefix))) return false;
        // /dev holds JSON endpoints; only the phone simulator there is a page.
        if (path.StartsWithSegments("/dev") && !path.StartsWithSegments(DevPhone.PhoneSimulator.PagePath)) return false;
        return context.Request.Headers.Accept.ToString().Contains(MediaTypeNames.Text.Html, StringComparison.OrdinalIgnoreCase);
    }
}
