using Microsoft.AspNetCore.Mvc.Filters;

namespace PainPro.Portal.Web;

/// <summary>
/// Browser hardening for every Portal page: no framing, no sniffing, no referrer leaving the site, and a CSP that
/// allows only the Portal's own script and stylesheet (charts are inline SVG markup, which CSP does not restrict).
/// </summary>
internal sealed class SecurityHeadersFilter : IResultFilter
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        // Patient data: never keep a copy in a shared browser's cache.
        headers.CacheControl = "no-store";
    }

    public void OnResultExecuted(ResultExecutedContext context) { }
}
