using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Security;

/// <summary>
/// Keeps the Data Protection key ring (cookies, antiforgery, protected survey-link tokens) in the service's own
/// database, so every replica shares it and a restarted pod with a read-only file system can still read what it wrote.
/// </summary>
/// <remarks>
/// Keys written before a certificate was configured hold their secret in plain text. When an encryptor is configured
/// they are encrypted in place the first time the ring is read, exactly as Data Protection writes new ones
/// (<c>encryptedSecret</c> in place of the element marked <c>requiresEncryption</c>), so no plaintext key material
/// stays in the table once a deployment turns encryption on.
/// </remarks>
internal sealed class DatabaseKeyRepository(ServiceDatabase db, Func<IXmlEncryptor?> encryptor) : IXmlRepository
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Data Protection's API is synchronous; it caches the ring and calls this rarely.
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        var rows = connection.Query<(string Name, string Xml)>("SELECT name, xml FROM data_protection_keys ORDER BY created_at").AsList();
        var elements = new List<XElement>(rows.Count);
        foreach (var (name, xml) in rows)
        {
            var element = XElement.Parse(xml);
            if (encryptor() is { } configured && EncryptPlaintextSecrets(element, configured))
                connection.Execute("UPDATE data_protection_keys SET xml = @xml WHERE name = @name",
                    new { name, xml = element.ToString(SaveOptions.DisableFormatting) });
            elements.Add(element);
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        connection.Execute(db.Dialect.IsSqlServer
            ? """
              INSERT INTO data_protection_keys (name, xml, created_at) SELECT @name, @xml, @at
              WHERE NOT EXISTS (SELECT 1 FROM data_protection_keys WITH (UPDLOCK, HOLDLOCK) WHERE name = @name)
              """
            : "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), at = db.Clock.GetUtcNow() });
    }

    /// <summary>Replaces each element marked as requiring encryption by its encrypted form; true when any was.</summary>
    internal static bool EncryptPlaintextSecrets(XElement key, IXmlEncryptor encryptor)
    {
        var plaintext = key.DescendantsAndSelf().Where(e => (string?)e.Attribute(RequiresEncryption) == "true").ToList();
        foreach (var secret in plaintext)
        {
            // Encrypt a detached copy in its own document, as Data Protection does, so the encryptor sees a rooted element.
            var copy = new XElement(secret);
            _ = new XDocument(copy);
            var encrypted = encryptor.Encrypt(copy);
            secret.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                encrypted.EncryptedElement));
        }
        return plaintext.Count > 0;
    }
}
