using Microsoft.AspNetCore.Http;

namespace PainPro.ServiceDefaults.Twilio;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> on an inbound webhook (SMS or status callback). Twilio signs the URL it called, so the check uses
/// the configured public URL (<c>{PublicBaseUrl}{path}</c> plus any query string) and, behind a
/// proxy that forwards the original host, the URL rebuilt from <c>X-Forwarded-Proto/Host/Prefix</c>.
/// Either way only a holder of the auth token can produce a valid signature.
/// </summary>
public static class TwilioRequestValidator
{
    public static bool IsValid(HttpRequest request, IFormCollection form, string? authToken, string publicBaseUrl)
    {
        if (string.IsNullOrEmpty(authToken)) return false;
        var presented = request.Headers[TwilioSignature.Header].ToString();
        if (string.IsNullOrWhiteSpace(presented)) return false;

        var parameters = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? ""))).ToList();
        return SignedUrls(request, publicBaseUrl).Any(url => TwilioSignature.IsValid(authToken, url, parameters, presented));
    }

    /// <summary>Every URL Twilio may have signed for this request.</summary>
    public static IEnumerable<string> SignedUrls(HttpRequest request, string publicBaseUrl)
    {
        var pathAndQuery = $"{request.Path}{request.QueryString}";
        var urls = new List<string> { publicBaseUrl.TrimEnd('/') + pathAndQuery };

        var forwardedHost = First(request.Headers["X-Forwarded-Host"]);
        if (forwardedHost is not null)
        {
            var scheme = First(request.Headers["X-Forwarded-Proto"]) ?? request.Scheme;
            var prefix = First(request.Headers["X-Forwarded-Prefix"])?.TrimEnd('/') ?? "";
            urls.Add($"{scheme}://{forwardedHost}{prefix}{pathAndQuery}");
        }

        // Twilio signs some URLs with the default port and some without; accept both spellings.
        return urls.SelectMany(WithAndWithoutDefaultPort).Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<string> WithAndWithoutDefaultPort(string url)
    {
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsDefaultPort) yield break;
        var withPort = $"{uri.Scheme}://{uri.Host}:{uri.Port}{uri.PathAndQuery}";
        var withoutPort = $"{uri.Scheme}://{uri.Host}{uri.PathAndQuery}";
        yield return url.Contains($"{uri.Host}:{uri.Port}", StringComparison.OrdinalIgnoreCase) ? withoutPort : withPort;
    }

    // Proxies may chain values: "client-facing, next-hop"; the first is what the caller used.
    private static string? First(Microsoft.Extensions.Primitives.StringValues values)
    {
        var first = values.ToString().Split(',')[0].Trim();
        return first.Length == 0 ? null : first;
    }
}
