using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PainPro.ServiceDefaults.Web;

/// <summary>
/// PainPro's icon, served by every host at <c>/favicon.svg</c> and at <c>/favicon.ico</c> (where browsers look when a
/// page names none), so the Portal and the patients' form never ask for a 404.
/// </summary>
public static class Favicon
{
    public const string Path = "/favicon.svg";
    public const string ContentType = "image/svg+xml";

    /// <summary>A white "P" on the Portal's blue, readable at 16 px.</summary>
    private static readonly byte[] Svg = Encoding.UTF8.GetBytes(
        """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5cad"/><path d="M10 25V7h7.5a5.5 5.5 0 0 1 0 11H14v7z M14 11v3.5h3.3a1.75 1.75 0 0 0 0-3.5z" fill="#fff" fill-rule="evenodd"/></svg>""");

    public static IEndpointRouteBuilder MapFavicon(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { Path, "/favicon.ico" })
        {
            app.MapGet(path, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=86400";
                return Results.Bytes(Svg, ContentType);
            }).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }
}
