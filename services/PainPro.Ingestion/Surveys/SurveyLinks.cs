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
    private readonly IDataProtector replies = dataProtection.CreateProtector("PainPro.Ingestion.SmsReply");

    public static string Hash(string token) => PainProAuth.Sha256Hex(token);

    public string Protect(string token) => protector.Protect(token);

    /// <summary>
    /// A text reply as it is kept for answering a repeated delivery identically: encrypted, since one that sends the
    /// patient on to the web form holds the link, and no service keeps a link token in plain text.
    /// </summary>
    public string ProtectReply(string reply) => replies.Protect(reply);

    /// <summary>The kept reply; one kept before replies were encrypted is returned as it is.</summary>
    public string RevealReply(string kept) =>
        kept.StartsWith(ProtectedPrefix, StringComparison.Ordinal) ? replies.Unprotect(kept) : kept;

    // Every Data Protection payload starts with its magic header, 09 F0 C9 F0: "CfDJ8" in base64url.
    private const string ProtectedPrefix = "CfDJ8";

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
