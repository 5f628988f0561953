using System.Net;
using PainPro.Reliability.Tests.Access;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Data;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// A database that cannot be reached when a service starts (here SQL Server on a closed loopback port: no SQL Server
/// runs where PainPro is built, and a refused connection is what an unreachable one looks like first) must not crash
/// start-up: the service starts, fails readiness saying which server, answers 503 with Retry-After as in any database
/// outage, and keeps retrying its migrations and Hangfire's schema in the background.
/// </summary>
public class DatabaseUnreachableAtStartTests
{
    private const string Password = "Never-In-A-Log-7731";

    [Fact]
    public async Task With_sql_server_unreachable_each_service_and_AllInOne_start_fail_readiness_naming_the_server_not_the_password_and_answer_503_with_Retry_After()
    {
        var closedPort = TestInfrastructure.FreePort();
        var server = $"127.0.0.1,{closedPort}";
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        foreach (var program in ProductionStartupTests.Programs)
        {
            var data = Directory.CreateTempSubdirectory("painpro-unreachable-");
            var settings = PainProTestHost.Configuration.Production(TestDatabase.SqlServer,
                $"Server={server};Database=painpro;User ID=painpro;Password={Password};Encrypt=True;Connect Timeout=2", rabbit.Uri);
            settings["PainPro:DataDirectory"] = data.FullName;
            settings["Logging:Console:FormatterName"] = "simple";
            if (program == "AllInOne") settings["PainPro:Bus:Transport"] = "inmemory";
            try
            {
                // Started means live: it would never be ready.
                await using var service = await ServiceProcess.StartAsync(program, settings, readyPath: "/health/live");
                using var client = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
                client.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, PainProTestHost.Configuration.ApiKey);

                var ready = await client.GetAsync("/health/ready");
                Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable, $"{program}: /health/ready answered {(int)ready.StatusCode}");

                // An endpoint that reads the database meets the outage path: 503, Retry-After, problem details.
                if (program switch { "Scheduling" or "AllInOne" => "/api/enrollments", "Ingestion" => "/api/alerts", "Messaging" => "/api/senders", _ => null } is { } path)
                {
                    using var response = await client.GetAsync(path);
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                        $"{program} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    Assert.Equal(TimeSpan.FromSeconds(DatabaseOutage.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }

                // The operator's log says which server (not who, not the password), and that it keeps trying.
                await Eventually.TrueAsync(() => Task.FromResult(service.Output.Any(l => l.Contains($"could not reach SQL Server '{server}'", StringComparison.Ordinal))),
                    $"{program} to log that it could not reach {server}");
                Assert.Contains(service.Output, l => l.Contains("retries in the background", StringComparison.Ordinal));
                Assert.DoesNotContain(service.Output, l => l.Contains(Password, StringComparison.Ordinal));
                Assert.True(service.IsRunning, $"{program} stopped:\n{string.Join('\n', service.Output.TakeLast(30))}");
            }
            finally
            {
                data.Delete(recursive: true);
            }
        }
    }
}
