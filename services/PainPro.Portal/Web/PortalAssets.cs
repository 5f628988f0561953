using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PainPro.Portal.Web;

/// <summary>
/// The Portal's stylesheet and script, embedded in the assembly and served from <c>/portal/assets/</c>.
/// Embedding (rather than wwwroot) means AllInOne, the Portal host and test hosts serve the same bytes with no
/// static-web-asset manifest to find. URLs carry a content hash, so browsers may cache them for a year.
/// </summary>
public static class PortalAssets
{
    private const string Prefix = "/portal/assets/";

    private sealed record Asset(byte[] Content, string ContentType, string Version);

    private static readonly IReadOnlyDictionary<string, Asset> Assets = Load();

    /// <summary>The versioned URL of an asset, e.g. <c>/portal/assets/portal.css?v=1a2b3c</c>.</summary>
    public static string Url(string name) => $"{Prefix}{name}?v={Assets[name].Version}";

    public static void MapPortalAssets(this IEndpointRouteBuilder app) =>
        app.MapGet(Prefix + "{name}", (string name, HttpContext context) =>
        {
            if (!Assets.TryGetValue(name, out var asset)) return Results.NotFound();
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Bytes(asset.Content, asset.ContentType);
        }).AllowAnonymous().ExcludeFromDescription();

    private static Dictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var name = resource["assets/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }
        return assets;
    }
}
