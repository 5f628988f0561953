using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Ingestion.Surveys;

/// <summary>
/// Survey link tokens. A visit is looked up by the token's SHA-256, so a copy of the database opens no survey;
/// the token itself is kept only encrypted (Data Protection), to point the text conversation at the form.
/// </summary>
public sealed class SurveyLinks(IDataProtectionProvider dataProtection, IOptions<PainProOptions> options)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector("PainPro.Ingestion.SurveyLinkToken");

    public static string Hash(string token) => PainProAuth.Sha256Hex(token);

    public string Protect(string token) => protector.Protect(token);

    /// <summary>The form's address, or null when the token cannot be recovered (keys rotated away, no token).</summary>
    public string? LinkFor(string? protectedToken)
    {
        if (string.IsNullOrEmpty(protectedToken)) return null;
        try
        {
            return $"{options.Value.PublicBaseUrl.TrimEnd('/')}/s/{Uri.EscapeDataString(protector.Unprotect(protectedToken))}";
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
