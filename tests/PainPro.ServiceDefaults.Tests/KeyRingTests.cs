using System.Security.Cryptography;
using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Security;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>The Data Protection key ring in the database: encrypted at rest outside dev mode, readable by every replica.</summary>
public class KeyRingTests
{
    private static readonly XNamespace DataProtectionNs = "http://schemas.asp.net/2015/03/dataProtection";

    [Fact]
    public void Outside_dev_mode_a_service_without_a_key_ring_certificate_refuses_to_start_and_names_the_setting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() =>
            KeyRingProtection.AddKeyRing(new ServiceCollection(), new PainProOptions { Dev = { Enabled = false } }));

        Assert.Contains("PainPro:DataProtection:Certificate is not set", refused.Message);
        Assert.Contains("PainPro__DataProtection__CertificateKey", refused.Message);
    }

    [Fact]
    public void A_certificate_setting_that_is_neither_pem_nor_a_readable_file_is_refused_with_the_key()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => KeyRingProtection.AddKeyRing(new ServiceCollection(),
            new PainProOptions { DataProtection = { Certificate = "/no/such/certificate.pem" } }));

        Assert.Contains("PainPro:DataProtection:Certificate", refused.Message);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_a_certificate_the_stored_key_ring_holds_no_plaintext_key_and_another_replica_reads_what_one_protected(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var certificate = TestCertificates.Create("key-ring-replicas");
        await using var first = KeyRing(test.Db, certificate, dev: false);
        await using var second = KeyRing(test.Db, certificate, dev: false);

        var payload = Protector(first).Protect("survey-link-token");

        var keys = await StoredKeysAsync(test.Db);
        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            Assert.Empty(key.Descendants("masterKey"));
            Assert.DoesNotContain(key.Descendants(), e => (string?)e.Attribute(DataProtectionNs + "requiresEncryption") == "true");
            var secret = Assert.Single(key.Descendants(DataProtectionNs + "encryptedSecret"));
            // XML encryption with the certificate (RSA key transport), not the NullXmlEncryptor's pass-through.
            Assert.Contains("EncryptedXmlDecryptor", (string?)secret.Attribute("decryptorType"));
            Assert.Single(secret.Elements(XName.Get("EncryptedData", "http://www.w3.org/2001/04/xmlenc#")));
        });
        Assert.Equal("survey-link-token", Protector(second).Unprotect(payload));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_copy_of_the_database_without_the_certificate_cannot_read_what_the_ring_protected(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        await using var service = KeyRing(test.Db, TestCertificates.Create("the-real-one"), dev: false);
        var payload = Protector(service).Protect("survey-link-token");

        await using var thief = KeyRing(test.Db, TestCertificates.Create("someone-else"), dev: false);

        Assert.ThrowsAny<CryptographicException>(() => Protector(thief).Unprotect(payload));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Keys_written_before_a_certificate_was_configured_are_encrypted_in_place_and_still_read(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        string payload;
        await using (var devHost = KeyRing(test.Db, certificate: null, dev: true))
            payload = Protector(devHost).Protect("written-in-dev");
        Assert.Contains(await StoredKeysAsync(test.Db), key => key.Descendants("masterKey").Any());

        await using var production = KeyRing(test.Db, TestCertificates.Create("turned-on-later"), dev: false);

        Assert.Equal("written-in-dev", Protector(production).Unprotect(payload));
        Assert.All(await StoredKeysAsync(test.Db), key =>
        {
            Assert.Empty(key.Descendants("masterKey"));
            Assert.Single(key.Descendants(DataProtectionNs + "encryptedSecret"));
        });
    }

    private static ServiceProvider KeyRing(SampleDb db, (string Certificate, string Key)? certificate, bool dev)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<ServiceDatabase>(db);
        KeyRingProtection.AddKeyRing(services, new PainProOptions
        {
            Dev = { Enabled = dev },
            DataProtection = { Certificate = certificate?.Certificate, CertificateKey = certificate?.Key },
        });
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("PainPro.Tests.KeyRing");

    private static async Task<List<XElement>> StoredKeysAsync(SampleDb db) =>
        (await db.ReadAsync(c => c.QueryAsync<string>("SELECT xml FROM data_protection_keys"))).Select(XElement.Parse).ToList();
}
