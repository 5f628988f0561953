using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Security;

/// <summary>
/// The certificate that encrypts the Data Protection key ring at rest (<c>PainPro:DataProtection</c>). Each value is
/// PEM text or the path of a PEM file, so a Kubernetes TLS Secret works as environment variables or as a mounted file.
/// </summary>
public sealed class KeyRingOptions
{
    /// <summary>An RSA certificate (PEM, or a path to one). Required outside dev mode.</summary>
    public string? Certificate { get; set; }

    /// <summary>Its private key (PEM, or a path to one); may be left out when <see cref="Certificate"/> holds both.</summary>
    public string? CertificateKey { get; set; }
}

/// <summary>
/// One key ring per deployment, in each service's database so replicas share it and restarts keep it; outside dev
/// mode its keys are encrypted with the configured certificate, so a copy of the database alone cannot decrypt the
/// cookies, antiforgery tokens and protected survey-link tokens the ring protects.
/// </summary>
internal static class KeyRingProtection
{
    public static void AddKeyRing(IServiceCollection services, PainProOptions options)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("PainPro");
        var certificate = LoadCertificate(options.DataProtection);
        if (certificate is not null) dataProtection.ProtectKeysWithCertificate(certificate);
        else if (!options.Dev.Enabled)
            throw new InvalidOperationException(
                "PainPro:DataProtection:Certificate is not set. Outside dev mode the Data Protection key ring (which protects " +
                "sign-in cookies and survey-link tokens) is stored encrypted with an RSA certificate: set " +
                "PainPro__DataProtection__Certificate and PainPro__DataProtection__CertificateKey to PEM text or PEM file paths, " +
                "e.g. from a Kubernetes TLS Secret (the Helm chart's dataProtection.existingSecret).");

        // Read when the ring is first loaded, after every configuration (including the certificate's) has run.
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DatabaseKeyRepository(sp.GetServices<ServiceDatabase>().First(), () => o.XmlEncryptor)));
    }

    /// <summary>The configured certificate with its private key, or null when none is configured.</summary>
    internal static X509Certificate2? LoadCertificate(KeyRingOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Certificate)) return null;
        var certificatePem = ReadPem(options.Certificate, "PainPro:DataProtection:Certificate");
        var keyPem = string.IsNullOrWhiteSpace(options.CertificateKey)
            ? certificatePem
            : ReadPem(options.CertificateKey, "PainPro:DataProtection:CertificateKey");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException(
                "PainPro:DataProtection:Certificate and CertificateKey must be a PEM certificate and its PEM private key: " + ex.Message, ex);
        }
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
            throw new InvalidOperationException(
                "PainPro:DataProtection:Certificate must be an RSA certificate with its private key (XML encryption of the key ring uses RSA).");
        return certificate;
    }

    private static string ReadPem(string value, string key)
    {
        if (value.Contains("-----BEGIN", StringComparison.Ordinal)) return value;
        try
        {
            return File.ReadAllText(value.Trim());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"{key} is neither PEM text nor a readable PEM file ({ex.Message}).", ex);
        }
    }
}
