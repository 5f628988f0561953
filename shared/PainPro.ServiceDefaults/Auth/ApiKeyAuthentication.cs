using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Auth;

public static class PainProAuth
{
    public const string ApiKeyScheme = "ApiKey";
    public const string CookieScheme = "Cookies";
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Integration clients (EHRs, engines) holding an API key.</summary>
    public const string IntegrationPolicy = "integration";

    /// <summary>Signed-in staff or an integration client.</summary>
    public const string StaffOrIntegrationPolicy = "staff-or-integration";

    public const string IntegrationRole = "integration";
    public const string NurseRole = "nurse";
    public const string ManagerRole = "manager";
    public const string AdminRole = "admin";

    public static string Sha256Hex(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}

/// <summary>Validates <c>X-Api-Key</c> against hashed keys from configuration and the dev key.</summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Credentials credentials) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(PainProAuth.ApiKeyHeader, out var values) || string.IsNullOrEmpty(values.ToString()))
            return Task.FromResult(AuthenticateResult.NoResult());

        var name = credentials.FindApiKey(values.ToString());
        if (name is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, PainProAuth.IntegrationRole)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
