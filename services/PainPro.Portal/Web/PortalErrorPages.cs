using System.Net.Mime;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace PainPro.Portal.Web;

/// <summary>
/// A browser that asks for a Portal page and gets an error without a body (a missing alert or patient, an unmapped
/// address) sees the Portal's error page (<c>/error/{code}</c>), with the Portal's layout and security headers,
/// instead of problem+json. APIs, webhooks, the survey form and health keep their own answers.
/// </summary>
public static class PortalErrorPages
{
    private static readonly string[] NotPages = ["/api", "/webhooks", "/health", "/s", "/fhir", "/openapi", "/portal/assets", "/error"];

    /// <summary>
    /// The error page carries no authorization metadata (the Portal's folder-wide staff policy would add some): it is
    /// reached by re-execution, past the authorization middleware, for whoever got the error — signed in or not.
    /// </summary>
    public static IServiceCollection AddPortalErrorPages(this IServiceCollection services) =>
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageApplicationModelConvention("/Error", page =>
        {
            foreach (var authorize in page.EndpointMetadata.OfType<IAuthorizeData>().ToList()) page.EndpointMetadata.Remove(authorize);
            foreach (var filter in page.Filters.OfType<AuthorizeFilter>().ToList()) page.Filters.Remove(filter);
        }));

    public static WebApplication UsePortalErrorPages(this WebApplication app)
    {
        // On the main pipeline, not a branch: only there does re-execution route the error page's path again.
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        // Everything but a page keeps the answer ServiceDefaults' status-code pages give (problem details): switching
        // off this middleware's feature leaves the outer one's, which it holds separately, on.
        app.Use((context, next) =>
        {
            if (!IsPageRequest(context) && context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            return next(context);
        });
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
