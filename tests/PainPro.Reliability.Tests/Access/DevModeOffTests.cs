using System.Net;
using PainPro.AllInOne;
using PainPro.Reliability.Tests.Reporting;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Access;

/// <summary>With dev mode off (production), the dev endpoints do not exist and the dev credentials are not accepted.</summary>
public class DevModeOffTests
{
    [Fact]
    public async Task Without_dev_mode_the_dev_endpoints_answer_404_and_no_dev_key_is_accepted()
    {
        using var entry = Ledger.Open("access.dev-mode-off", Ledger.Access, "Production mode: dev endpoints 404, dev API key refused");
        const string integrationKey = "reliability-production-key";
        var directory = Path.Combine(Path.GetTempPath(), "painpro-reliability-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>
        {
            ["PainPro:Database:Provider"] = "sqlite",
            ["PainPro:DataDirectory"] = directory,
            ["PainPro:Bus:Transport"] = "inmemory",
            ["PainPro:Dev:Enabled"] = "false",
            ["PainPro:Clock"] = "system",
            ["PainPro:Twilio:AuthToken"] = "production-twilio-token",
            ["PainPro:Twilio:AccountSid"] = "AC" + new string('0', 32),
            ["PainPro:Auth:ApiKeys:0:Name"] = "ehr",
            ["PainPro:Auth:ApiKeys:0:Sha256"] = PainProAuth.Sha256Hex(integrationKey),
            ["PainPro:Messaging:Twilio:From"] = "+15550001111",
            ["PainPro:Messaging:Twilio:BaseUrl"] = "http://127.0.0.1:9",
            ["PainPro:Messaging:Smtp:Host"] = "127.0.0.1",
            ["PainPro:Messaging:Smtp:From"] = "painpro@example.org",
            ["PainPro:Portal:ApiKey"] = integrationKey,
            ["PainPro:Portal:BootstrapAdmin:UserName"] = "root",
            ["PainPro:Portal:BootstrapAdmin:Password"] = "a-long-production-password-1",
        };
        config.WithDataProtection();
        await using var host = await PainProTestHost.StartAsync("PainPro.AllInOne", config, b => b.AddAllServices(), a => a.MapAllServices());
        using var anonymous = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        using var integration = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        integration.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, integrationKey);

        foreach (var client in new[] { anonymous, integration })
        {
            foreach (var (method, path) in new[] { ("GET", "/dev/clock"), ("POST", "/dev/clock/advance"), ("GET", "/dev/outbox?to=%2B15551230001"), ("POST", "/dev/sms/inbound") })
            {
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
                    { Content = method == "POST" ? System.Net.Http.Json.JsonContent.Create(new { by = "P3D" }) : null });
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} without dev mode answered {(int)response.StatusCode}");
                entry.Count("dev endpoint requests answered 404");
            }
        }

        // The key configured by hash works; the dev key of the test configuration does not exist here.
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/alerts")).StatusCode);
        using var devKey = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        devKey.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, PainProTestHost.Configuration.ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await devKey.GetAsync("/api/alerts")).StatusCode);
        entry.Count("API key checks", 2).Pass();
    }
}
