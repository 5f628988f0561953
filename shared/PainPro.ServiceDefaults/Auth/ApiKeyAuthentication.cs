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

    /// <summary>The audit trail: an integration client (the Portal's admin page) or a signed-in administrator.</summary>
    public const string AuditPolicy = "audit-readers";

    public const string IntegrationRole = "integration";
    public const string NurseRole = "nurse";
    public const string ManagerRole = "manager";
    public const string AdminRole = "admin";

    public static string Sha256Hex(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}

/// <summary>
/// Validates <c>X-Api-Key</c> against hashed keys from configuration and the dev key, then against the keys issued
/// at the Portal (the service's <c>api_keys</c> table, through a short cache).
/// </summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Credentials credentials,
    IssuedApiKeys issued) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(PainProAuth.ApiKeyHeader, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
            return AuthenticateResult.NoResult();

        var hash = PainProAuth.Sha256Hex(values.ToString().Trim());
        var name = credentials.FindApiKeyHash(hash) ?? await issued.FindAsync(hash, Context.RequestAborted);
        if (name is null) return AuthenticateResult.Fail("Unknown API key.");

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, PainProAuth.IntegrationRole)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
