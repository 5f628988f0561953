using Microsoft.AspNetCore.Http;

namespace PainPro.ServiceDefaults.Security;

/// <summary>
/// Browser hardening on every response of every service, including the ones no page or endpoint shaped: a 404 of an
/// unmapped route, problem details, a 503 while the database is away. A page that sets its own header (the Portal's
/// CSP, the survey form's nonce) keeps it; only what is missing is added.
/// </summary>
internal sealed class BaselineSecurityHeaders(RequestDelegate next)
{
    // Nothing a JSON or error response needs can run or load: no scripts, no styles, no framing.
    private const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy)) headers.ContentSecurityPolicy = ContentSecurityPolicy;
            if (string.IsNullOrEmpty(headers.XContentTypeOptions)) headers.XContentTypeOptions = "nosniff";
            if (string.IsNullOrEmpty(headers.XFrameOptions)) headers.XFrameOptions = "DENY";
            if (string.IsNullOrEmpty(headers["Referrer-Policy"])) headers["Referrer-Policy"] = "no-referrer";
            // Answers name patients: no shared cache may keep them unless an endpoint said otherwise (the Portal's assets do).
            if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
