using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using PainPro.Reliability.Tests.Reporting;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Reliability.Tests.Access;

/// <summary>
/// Every service, and AllInOne, started as its own process in production mode (dev mode off, real settings): it
/// talks to nothing but what it was configured with, and it refuses to start without the key ring's certificate.
/// A .NET startup hook (<see cref="NetworkWitness"/>) records each DNS look-up, socket connect and HTTP request the
/// process makes from its first instruction to its exit after SIGTERM.
/// </summary>
public partial class ProductionStartupTests
{
    public static readonly string[] Programs = ["Scheduling", "Messaging", "Ingestion", "Portal", "AllInOne"];
    private const string IntegrationKey = "production-startup-key";

    [Fact]
    public async Task Started_in_production_mode_each_service_looks_up_and_connects_to_nothing_but_its_configured_database_broker_smtp_and_twilio()
    {
        using var entry = Ledger.Open("access.outbound", Ledger.Access,
            "Production start-up of every service and AllInOne: no DNS look-up or connection but the configured database, broker, SMTP server and Twilio");
        await using var postgres = await PostgresDatabase.CreateAsync();
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        await using var twilio = await TwilioDouble.StartAsync(authToken: "production-twilio-token");
        var database = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        var broker = new Uri(rabbit.Uri);
        var smtp = TestInfrastructure.Smtp;
        var twilioUri = new Uri(twilio.BaseUrl);
        var schedulingPort = TestInfrastructure.FreePort();
        var ingestionPort = TestInfrastructure.FreePort();
        // Everything a service may reach, as configured (hosts are IP literals here, so a look-up of anything is news).
        var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            Endpoint(database.Host!, database.Port), Endpoint(broker.Host, broker.Port), Endpoint(smtp.Host, smtp.Port),
            Endpoint(twilioUri.Host, twilioUri.Port), Endpoint("127.0.0.1", schedulingPort), Endpoint("127.0.0.1", ingestionPort),
        };
        var configuredHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { database.Host!, broker.Host, smtp.Host, twilioUri.Host };

        var failures = new List<string>();
        foreach (var program in Programs)
        {
            var log = Path.Combine(Path.GetTempPath(), $"painpro-witness-{program}-{Guid.NewGuid():N}.log");
            var data = Directory.CreateTempSubdirectory("painpro-production-");
            var settings = Production(program, postgres.ConnectionString, rabbit.Uri, twilio, data.FullName);
            settings["PainPro:Portal:SchedulingUrl"] = $"http://127.0.0.1:{schedulingPort}";
            settings["PainPro:Portal:IngestionUrl"] = $"http://127.0.0.1:{ingestionPort}";
            foreach (var (key, value) in NetworkWitness.ForProcess(log)) settings[key] = value;
            var port = program switch { "Scheduling" => schedulingPort, "Ingestion" => ingestionPort, _ => (int?)null };
            try
            {
                await using (var service = await ServiceProcess.StartAsync(program, settings, port))
                {
                    // One authenticated request, so the API-key path (the issued-keys table) is exercised too.
                    using var client = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
                    client.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, IntegrationKey);
                    var path = program switch { "Scheduling" or "AllInOne" => "/api/enrollments", "Ingestion" => "/api/alerts", _ => "/health/ready" };
                    Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
                    await StopGracefullyAsync(service);
                }
                var lines = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
                foreach (var line in lines.Distinct())
                {
                    entry.Count("network events seen");
                    var verdict = line switch
                    {
                        _ when line.StartsWith("dns ", StringComparison.Ordinal) => configuredHosts.Contains(line[4..]),
                        _ when line.StartsWith("connect ", StringComparison.Ordinal) => SocketEndpoint(line[8..]) is { } endpoint && allowed.Contains(endpoint),
                        _ when line.StartsWith("http ", StringComparison.Ordinal) => allowed.Contains(new Uri(line[5..]).Authority),
                        _ => false,
                    };
                    if (!verdict) failures.Add($"{program}: {line} ({SocketEndpoint(line.Length > 8 ? line[8..] : "") ?? "not configured"})");
                }
                // The witness must have seen something: each service talks to its database or its provider on start-up.
                if (program != "AllInOne" && !lines.Any(l => l.StartsWith("connect ", StringComparison.Ordinal)))
                    failures.Add($"{program}: the witness saw no connection at all, so it saw nothing");
                entry.Count("programs started and stopped");
            }
            finally
            {
                File.Delete(log);
                data.Delete(recursive: true);
            }
        }
        Assert.True(failures.Count == 0, $"Network activity beyond the configured endpoints {string.Join(", ", allowed)}:\n{string.Join("\n", failures)}");
        entry.Pass();
    }

    [Fact]
    public async Task Started_in_production_mode_without_a_key_ring_certificate_each_service_refuses_to_start_and_says_why()
    {
        using var entry = Ledger.Open("access.keyring-required", Ledger.Access,
            "Production start-up without the key ring's certificate refused, naming the setting, by every service and AllInOne");
        await using var postgres = await PostgresDatabase.CreateAsync();
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        await using var twilio = await TwilioDouble.StartAsync(authToken: "production-twilio-token");
        foreach (var program in Programs)
        {
            var data = Directory.CreateTempSubdirectory("painpro-production-");
            var settings = Production(program, postgres.ConnectionString, rabbit.Uri, twilio, data.FullName);
            settings.Remove("PainPro:DataProtection:Certificate");
            settings.Remove("PainPro:DataProtection:CertificateKey");
            try
            {
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                {
                    await using var service = await ServiceProcess.StartAsync(program, settings, readyWithin: TimeSpan.FromSeconds(60));
                });
                Assert.Contains("exited with", refused.Message);
                Assert.Contains("PainPro:DataProtection:Certificate is not set", refused.Message);
                entry.Count("services refused to start");
            }
            finally
            {
                data.Delete(recursive: true);
            }
        }
        entry.Pass();
    }

    /// <summary>Production settings for one program: dev mode off, every provider configured, the key ring's certificate.</summary>
    private static Dictionary<string, string?> Production(string program, string postgres, string rabbit, TwilioDouble twilio, string dataDirectory)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PainPro:Database:Provider"] = program == "AllInOne" ? "sqlite" : "postgres",
            ["PainPro:Database:ConnectionString"] = postgres,
            ["PainPro:Bus:Transport"] = program == "AllInOne" ? "inmemory" : "rabbitmq",
            ["PainPro:Bus:RabbitMqUri"] = rabbit,
            ["PainPro:DataDirectory"] = dataDirectory,
            ["PainPro:Dev:Enabled"] = "false",
            ["PainPro:Clock"] = "system",
            ["PainPro:Demo:Seed"] = "false",
            ["PainPro:Twilio:AuthToken"] = twilio.AuthToken,
            ["PainPro:Twilio:AccountSid"] = twilio.AccountSid,
            ["PainPro:Auth:ApiKeys:0:Name"] = "ehr",
            ["PainPro:Auth:ApiKeys:0:Sha256"] = PainProAuth.Sha256Hex(IntegrationKey),
            ["PainPro:Messaging:Sms:Provider"] = "twilio",
            ["PainPro:Messaging:Twilio:BaseUrl"] = twilio.BaseUrl,
            ["PainPro:Messaging:Twilio:From"] = "+15550001111",
            ["PainPro:Messaging:Email:Provider"] = "smtp",
            ["PainPro:Messaging:Smtp:Host"] = TestInfrastructure.Smtp.Host,
            ["PainPro:Messaging:Smtp:Port"] = TestInfrastructure.Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["PainPro:Messaging:Smtp:EnableSsl"] = "false",
            ["PainPro:Messaging:Smtp:From"] = "painpro@example.org",
            ["PainPro:Portal:ApiKey"] = IntegrationKey,
            ["PainPro:Portal:BootstrapAdmin:UserName"] = "root",
            ["PainPro:Portal:BootstrapAdmin:Password"] = "a-long-production-password-1",
            ["Logging:Console:FormatterName"] = "simple",
        };
        settings.WithDataProtection();
        return settings;
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod, and the wait for the process to finish shutting down.</summary>
    private static async Task StopGracefullyAsync(ServiceProcess service)
    {
        if (service.ProcessId is not { } pid) return;
        await TestInfrastructure.RunAsync("kill", $"-TERM {pid}");
        await Eventually.TrueAsync(() => Task.FromResult(!service.IsRunning), $"{service.Service} to stop after SIGTERM");
    }

    private static string Endpoint(string host, int port) => $"{host}:{port}";

    /// <summary>
    /// <c>host:port</c> of a socket address as the runtime's ConnectStart event writes it, e.g.
    /// <c>InterNetwork:16:{21,56,127,0,0,1,…}</c> (port in the first two bytes, big-endian, then the IPv4 address).
    /// </summary>
    internal static string? SocketEndpoint(string address)
    {
        var match = SocketAddress().Match(address);
        if (!match.Success) return null;
        var bytes = match.Groups["bytes"].Value.Split(',').Select(b => byte.Parse(b.Trim(), CultureInfo.InvariantCulture)).ToArray();
        var port = bytes[0] << 8 | bytes[1];
        var ip = match.Groups["family"].Value switch
        {
            "InterNetwork" when bytes.Length >= 6 => new IPAddress(bytes[2..6]),
            "InterNetworkV6" when bytes.Length >= 22 => new IPAddress(bytes[6..22]) is var v6 && v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : new IPAddress(bytes[6..22]),
            _ => null,
        };
        return ip is null ? null : Endpoint(ip.ToString(), port);
    }

    [GeneratedRegex(@"^(?<family>\w+):\d+:\{(?<bytes>[\d,\s]+)\}$")]
    private static partial Regex SocketAddress();
}
