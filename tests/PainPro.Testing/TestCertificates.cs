using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PainPro.Testing;

/// <summary>
/// Self-signed RSA certificates for the tests, as PEM: the key-ring certificate a service outside dev mode requires
/// (<c>PainPro:DataProtection:Certificate</c> / <c>CertificateKey</c>).
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<(string Certificate, string Key)> KeyRing = new(() => Create("painpro-test-data-protection"));

    /// <summary>One certificate for the whole test run, so hosts of one test share a readable key ring.</summary>
    public static (string Certificate, string Key) DataProtection => KeyRing.Value;

    /// <summary>A new self-signed RSA certificate and its private key, as PEM text.</summary>
    public static (string Certificate, string Key) Create(string subject)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return (certificate.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Adds the key-ring certificate to a host's configuration (as production requires outside dev mode).</summary>
    public static IDictionary<string, string?> WithDataProtection(this IDictionary<string, string?> configuration, (string Certificate, string Key)? certificate = null)
    {
        var (pem, key) = certificate ?? DataProtection;
        configuration["PainPro:DataProtection:Certificate"] = pem;
        configuration["PainPro:DataProtection:CertificateKey"] = key;
        return configuration;
    }
}
