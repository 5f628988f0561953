using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace PainPro.Ingestion.WebForm;

/// <summary>
/// Headers of the patient-facing pages: nothing but the page's own nonce-tagged style and script runs, no framing, no
/// sniffing, no referrer (the URL holds the survey token), no caching of health answers.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>Sets the headers and returns the nonce the page's style element must carry.</summary>
    public static string Apply(HttpResponse response)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = response.Headers;
        headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        // Exactly what antiforgery sets for pages with tokens, so it does not override (and warn about) ours.
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        return nonce;
    }
}
