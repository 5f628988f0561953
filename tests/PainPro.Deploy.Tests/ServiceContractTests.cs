using System.Net;
using System.Text.Json.Nodes;
using PainPro.Testing;
using Xunit;

namespace PainPro.Deploy.Tests;

/// <summary>
/// The chart's ports and probes against the services themselves: each service's build output is started with the
/// environment its production Deployment renders (its Secrets filled with a real test database and broker), and
/// must answer the probe paths on the port the chart targets.
/// </summary>
public sealed class ServiceContractTests
{
    public static TheoryData<string> Services => new(HelmChart.Services);

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_answers_its_probes_on_the_port_the_chart_targets(string component)
    {
        var manifests = await HelmChart.RenderAsync(HelmChart.Production);
        var deployment = manifests.Deployment(component);
        var container = Manifests.Containers(deployment).Single();
        var containerPort = (long)((JsonArray)container["ports"]!).OfType<JsonObject>().Single(p => (string?)p["name"] == "http")["containerPort"]!;
        var configuration = manifests.SharedConfiguration;

        // The service listens where ASPNETCORE_HTTP_PORTS says; the chart must say the container port.
        Assert.Equal(containerPort.ToString(), configuration["ASPNETCORE_HTTP_PORTS"]);
        var service = manifests.Single("Service", Manifests.Name(deployment));
        Assert.Equal("http", (string?)((JsonArray)service["spec"]!["ports"]!)[0]!["targetPort"]);

        await using var database = await PostgresDatabase.CreateAsync();
        await using var broker = await RabbitMqVirtualHost.CreateAsync();
        var dataDirectory = Directory.CreateTempSubdirectory("painpro-deploy-");
        var environment = new Dictionary<string, string>(configuration);
        foreach (var env in Manifests.Env(container))
        {
            var name = (string)env["name"]!;
            environment[name] = env["valueFrom"]?["secretKeyRef"] is not null
                ? TestSecret(name, database.ConnectionString, broker.Uri)
                : (string?)env["value"] ?? "";
        }
        // The one substitution: a free loopback port stands for the container's 8080, a temp folder for its /tmp.
        var port = TestInfrastructure.FreePort();
        environment["ASPNETCORE_HTTP_PORTS"] = port.ToString();
        environment["PainPro__DataDirectory"] = dataDirectory.FullName;

        try
        {
            await using var process = ContainerLikeProcess.Start(ContainerLikeProcess.AssemblyPath(ProjectName(component)), environment);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                var path = (string)container[probe]!["httpGet"]!["path"]!;
                Assert.Equal("http", (string?)container[probe]!["httpGet"]!["port"]);
                var status = await AnswerAsync(http, path, process);
                Assert.True(status == HttpStatusCode.OK,
                    $"{component} answered {probe} GET {path} with {status?.ToString() ?? "nothing"}.\nService output:\n{process.Output}");
            }
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }
    }

    /// <summary>Polls until the path answers 200 or a minute passes; returns the last status seen.</summary>
    private static async Task<HttpStatusCode?> AnswerAsync(HttpClient http, string path, ContainerLikeProcess process)
    {
        HttpStatusCode? last = null;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(path);
                last = response.StatusCode;
                if (last == HttpStatusCode.OK) return last;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            catch (TaskCanceledException) { /* busy starting */ }
            await Task.Delay(250);
        }
        return last;
    }

    private static string TestSecret(string name, string connectionString, string rabbitMqUri) => name switch
    {
        "PainPro__Database__ConnectionString" => connectionString,
        "PainPro__Bus__RabbitMqUri" => rabbitMqUri,
        // The key ring's certificate: PEM, as a TLS Secret's tls.crt and tls.key hold it.
        "PainPro__DataProtection__Certificate" => TestCertificates.DataProtection.Certificate,
        "PainPro__DataProtection__CertificateKey" => TestCertificates.DataProtection.Key,
        "PainPro__Twilio__AccountSid" => "AC" + Guid.NewGuid().ToString("N"),
        "PainPro__Portal__BootstrapAdmin__UserName" => "deploy-test-admin",
        // Tokens, keys and passwords: long and random enough for any policy the services enforce.
        _ => "Dt-" + Guid.NewGuid().ToString("N") + "-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(),
    };

    internal static string ProjectName(string component) => "PainPro." + char.ToUpperInvariant(component[0]) + component[1..];
}
