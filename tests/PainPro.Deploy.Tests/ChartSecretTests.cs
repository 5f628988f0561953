using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PainPro.Testing;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>Credentials come from Secrets that exist in the cluster, never from a values file.</summary>
public sealed partial class ChartSecretTests
{
    [Theory]
    [InlineData(HelmChart.Default)]
    [InlineData(HelmChart.Production)]
    [InlineData(HelmChart.SqlServer)]
    public async Task Installations_against_external_services_render_no_Secret(string valueSet)
    {
        var manifests = await HelmChart.RenderAsync(valueSet);

        Assert.Empty(manifests.OfKind("Secret").Select(Manifests.Name));
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSets), MemberType = typeof(HelmChart))]
    public async Task Credentials_reach_the_containers_only_by_secret_reference(string valueSet)
    {
        var manifests = await HelmChart.RenderAsync(valueSet);

        var credentials = 0;
        foreach (var deployment in manifests.OfKind("Deployment"))
            foreach (var container in Manifests.Containers(deployment))
                foreach (var env in Manifests.Env(container).Where(e => IsCredential((string)e["name"]!)))
                {
                    credentials++;
                    var where = $"{Manifests.Name(deployment)}: {env["name"]}";
                    Assert.True(env["value"] is null, $"{where} is set from a value, not a Secret");
                    Assert.NotNull(env["valueFrom"]?["secretKeyRef"]?["name"]);
                }
        Assert.DoesNotContain(manifests.SharedConfiguration.Keys, IsCredential);
        // Every service has at least its connection string and broker URI: the check above saw something.
        Assert.True(credentials >= 2 * HelmChart.Services.Length, $"only {credentials} credential variables were rendered");
    }

    [Fact]
    public async Task Every_service_reads_its_database_and_broker_from_the_configured_secrets()
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Production);

        foreach (var component in HelmChart.Services)
        {
            var env = Manifests.Env(Manifests.Containers(manifests.Deployment(component)).Single())
                .ToDictionary(e => (string)e["name"]!, e => e["valueFrom"]?["secretKeyRef"]);
            Assert.Equal("painpro-postgres-app", (string?)env["PainPro__Database__ConnectionString"]?["name"]);
            Assert.Equal("painpro-rabbitmq-app", (string?)env["PainPro__Bus__RabbitMqUri"]?["name"]);
        }
    }

    [Fact]
    public async Task On_sql_server_every_service_is_told_the_provider_and_reads_its_connection_string_from_the_configured_secret()
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.SqlServer);

        Assert.Equal("sqlserver", manifests.SharedConfiguration["PainPro__Database__Provider"]);
        foreach (var component in HelmChart.Services)
        {
            var env = Manifests.Env(Manifests.Containers(manifests.Deployment(component)).Single())
                .ToDictionary(e => (string)e["name"]!, e => e["valueFrom"]?["secretKeyRef"]);
            Assert.Equal("painpro-sqlserver-app", (string?)env["PainPro__Database__ConnectionString"]?["name"]);
            Assert.Equal("connection-string", (string?)env["PainPro__Database__ConnectionString"]?["key"]);
        }
        Assert.Equal("postgres", (await HelmChart.RenderAsync(HelmChart.Production)).SharedConfiguration["PainPro__Database__Provider"]);
    }

    [Theory]
    [InlineData("database.provider=oracle", "database.provider must be postgres or sqlserver")]
    [InlineData("dev.enabled=true", "dev.enabled deploys PostgreSQL inside the release")]
    public async Task A_database_provider_the_chart_cannot_serve_is_refused_at_render_naming_the_value(string set, string message)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => HelmChart.RenderUncachedAsync(HelmChart.SqlServer, set));
        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public async Task Development_credentials_are_generated_at_install_not_taken_from_values()
    {
        var first = await HelmChart.RenderUncachedAsync(HelmChart.Development);
        var second = await HelmChart.RenderUncachedAsync(HelmChart.Development);

        var generated = StringData(first);
        var again = StringData(second);
        var valuesText = string.Concat(new[] { "deploy/helm/painpro/values.yaml" }
            .Concat(HelmChart.ValuesFiles(HelmChart.Development))
            .Select(f => File.ReadAllText(Path.Combine(TestInfrastructure.RepositoryRoot, f))));
        foreach (var key in new[] { "postgres-password", "rabbitmq-password", "twilio-auth-token", "portal-api-key" })
        {
            Assert.True(generated[key].Length >= 20, $"{key} is too short to be a generated credential");
            Assert.NotEqual(generated[key], again[key]);
            Assert.DoesNotContain(generated[key], valuesText);
        }
    }

    [Fact]
    public async Task Every_service_reads_the_key_ring_certificate_from_the_data_protection_secret()
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Production);

        foreach (var component in HelmChart.Services)
        {
            var env = Manifests.Env(Manifests.Containers(manifests.Deployment(component)).Single())
                .ToDictionary(e => (string)e["name"]!, e => e["valueFrom"]?["secretKeyRef"]);
            Assert.Equal("painpro-data-protection", (string?)env["PainPro__DataProtection__Certificate"]?["name"]);
            Assert.Equal("tls.crt", (string?)env["PainPro__DataProtection__Certificate"]?["key"]);
            Assert.Equal("painpro-data-protection", (string?)env["PainPro__DataProtection__CertificateKey"]?["name"]);
            Assert.Equal("tls.key", (string?)env["PainPro__DataProtection__CertificateKey"]?["key"]);
        }
    }

    [Fact]
    public async Task Development_mode_generates_an_rsa_key_ring_certificate_the_services_can_load()
    {
        var generated = StringData(await HelmChart.RenderUncachedAsync(HelmChart.Development));

        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            generated["data-protection-certificate"], generated["data-protection-key"]);
        using var rsa = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPrivateKey(certificate);
        Assert.NotNull(rsa);
        Assert.True(rsa.KeySize >= 2048, $"the generated key has {rsa.KeySize} bits");
    }

    private static Dictionary<string, string> StringData(Manifests manifests) =>
        ((JsonObject)manifests.Single("Secret", $"{HelmChart.ReleaseName}-dev-credentials")["stringData"]!)
        .ToDictionary(p => p.Key, p => (string?)p.Value ?? "");

    // API key hashes (PainPro__Auth__ApiKeys__N__Sha256) are not secrets; keys, passwords, tokens and URIs with credentials are.
    private static bool IsCredential(string name) => CredentialName().IsMatch(name) && !name.EndsWith("__Sha256", StringComparison.Ordinal)
        && !name.EndsWith("__Name", StringComparison.Ordinal);

    [GeneratedRegex("(ConnectionString|RabbitMqUri|AuthToken|AccountSid|Password|PASSWORD|PASS|ApiKey|DataProtection)", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialName();
}
