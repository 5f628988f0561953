using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Twilio.Security;

namespace PainPro.Twilio.Webhooks;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> on an inbound webhook (SMS or status callback) with the Twilio SDK's
/// <see cref="RequestValidator"/>: base64(HMAC-SHA1(auth token, URL + every POST parameter as name+value, sorted by
/// name)), with and without the port. Unknown extra parameters are signed like any other, so they are never an error.
/// Twilio signs the URL it called, so the check uses the configured public URL (<c>{PublicBaseUrl}{path}</c> plus any
/// query string) and, behind a proxy that forwards the original host, the URL rebuilt from
/// <c>X-Forwarded-Proto/Host/Prefix</c>. Either way only a holder of the auth token can produce a valid signature.
/// </summary>
public static class TwilioWebhookSignature
{
    public const string Header = "X-Twilio-Signature";

    public static bool IsValid(HttpRequest request, IFormCollection form, string? authToken, string publicBaseUrl)
    {
        // Twilio never repeats a parameter name, and the SDK's dictionary could not sign one that did: refuse it.
        if (form.Any(field => field.Value.Count > 1)) return false;
        var parameters = form.Select(field => KeyValuePair.Create(field.Key, field.Value.ToString()));
        var presented = request.Headers[Header].ToString();
        return SignedUrls(request, publicBaseUrl).Any(url => IsValid(authToken, url, parameters, presented));
    }

    /// <summary>
    /// Whether <paramref name="presented"/> is Twilio's signature of <paramref name="url"/> and
    /// <paramref name="parameters"/> (distinct names) under <paramref name="authToken"/>. False — never an exception —
    /// for a missing token or signature and for a URL that is not absolute.
    /// </summary>
    public static bool IsValid(string? authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? presented)
    {
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrWhiteSpace(presented)) return false;
        if (!Uri.TryCreate(url, UriKind.Absolute, out _)) return false;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
            if (!fields.TryAdd(name, value)) return false;
        try
        {
            // The SDK's comparison takes constant time for signatures of the right length.
            return new RequestValidator(authToken).Validate(url, fields, presented.Trim());
        }
        catch (UriFormatException)
        {
            // The SDK rebuilds the URL with or without its port; a URL it cannot rebuild was not one Twilio called.
            return false;
        }
    }

    /// <summary>Every URL Twilio may have signed for this request (the SDK tries each with and without its port).</summary>
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
        return urls.Distinct(StringComparer.Ordinal);
    }

    // Proxies may chain values: "client-facing, next-hop"; the first is what the caller used.
    private static string? First(StringValues values)
    {
        var first = values.ToString().Split(',')[0].Trim();
        return first.Length == 0 ? null : first;
    }
}
