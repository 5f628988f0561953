using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.Portal;
using PainPro.Portal.Accounts;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Scheduling;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Access;

/// <summary>
/// Two replicas of every service on one PostgreSQL database and one RabbitMQ virtual host, as the Helm chart runs
/// them. A key issued on the Portal is accepted by all eight, a revoked one refused by all eight, within 5 s; a staff
/// account disabled, demoted or given a new password on one Portal replica is signed out on the other at its next request.
/// </summary>
public partial class ReplicaRevocationTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);
    private const string AdminPassword = "replica-admin-password";
    private const string ProbePath = "/test/integration-key";

    [Fact]
    public async Task Keys_and_staff_accounts_changed_on_one_Portal_replica_are_honoured_by_every_replica_of_every_service()
    {
        using var entry = Ledger.Open("access.replica-revocation", Ledger.Access,
            "Two replicas of every service: API key issued and revoked, staff account disabled, demoted and re-passworded on one Portal");
        await using var postgres = await PostgresDatabase.CreateAsync();
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Production(postgres.ConnectionString, rabbit.Uri))
        {
            ["PainPro:Portal:BootstrapAdmin:UserName"] = "replica.admin",
            ["PainPro:Portal:BootstrapAdmin:Password"] = AdminPassword,
            ["PainPro:Portal:DemoPassword"] = AdminPassword,
        };
        var hosts = new List<PainProTestHost>();
        try
        {
            // Where each replica checks an API key: the services' own APIs, and for Messaging and the Portal (which
            // have none) a probe behind the same integration policy.
            var replicas = new List<(string Name, PainProTestHost Host, string Path)>();
            foreach (var replica in new[] { "a", "b" })
            {
                var scheduling = await Start($"scheduling-{replica}", b => b.AddScheduling(), a => a.MapScheduling());
                var messaging = await Start($"messaging-{replica}", b => b.AddMessaging(), a => a.MapMessaging());
                var ingestion = await Start($"ingestion-{replica}", b => b.AddIngestion(), a => a.MapIngestion());
                var portal = await Start($"portal-{replica}", b => b.AddPortal(), a => a.MapPortal(), "PainPro.Portal");
                replicas.Add((scheduling.Name, scheduling.Host, "/api/enrollments?procedureType=cementoplasty"));
                replicas.Add((messaging.Name, messaging.Host, ProbePath));
                replicas.Add((ingestion.Name, ingestion.Host, "/api/alerts?status=open"));
                replicas.Add((portal.Name, portal.Host, ProbePath));
            }
            entry.Count("service replicas", replicas.Count);
            var portalA = replicas.Single(r => r.Name == "portal-a").Host;
            var portalB = replicas.Single(r => r.Name == "portal-b").Host;

            // One browser, two Portal replicas behind it (cookies are per host, not per port: the session travels).
            var cookies = new CookieContainer();
            using var adminOnA = Browser(portalA, cookies);
            await SignInAsync(adminOnA, "replica.admin", AdminPassword);

            // Issue on replica A; every replica of every service must accept it.
            var issuedPage = await PostFormAsync(adminOnA, "/admin/api-keys", "/admin/api-keys?handler=Issue",
                new Dictionary<string, string> { ["Name"] = "replica test engine" });
            var key = WebUtility.HtmlDecode(IssuedKey().Match(issuedPage).Groups[1].Value);
            Assert.StartsWith("ppk_", key);
            var issued = Stopwatch.StartNew();
            await UntilEveryReplicaAsync(replicas, key, HttpStatusCode.OK, "accepted the issued key");
            var acceptedAfter = issued.Elapsed;

            // Revoke on replica A; every replica must refuse it.
            var keysPage = await adminOnA.GetStringAsync("/admin/api-keys");
            var keyId = RevokeForm().Match(keysPage).Groups[1].Value;
            using (var revoke = await PostAsync(adminOnA, "/admin/api-keys", "/admin/api-keys?handler=Revoke",
                       new Dictionary<string, string> { ["KeyId"] = keyId }))
                Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
            var revoked = Stopwatch.StartNew();
            await UntilEveryReplicaAsync(replicas, key, HttpStatusCode.Unauthorized, "refused the revoked key");
            var refusedAfter = revoked.Elapsed;
            entry.Count("ms until every replica accepted the issued key", (int)acceptedAfter.TotalMilliseconds)
                .Count("ms until every replica refused the revoked key", (int)refusedAfter.TotalMilliseconds);
            Assert.True(acceptedAfter <= Within, $"the issued key took {acceptedAfter.TotalSeconds:0.0} s to reach every replica");
            Assert.True(refusedAfter <= Within, $"the revoked key was still accepted somewhere after {refusedAfter.TotalSeconds:0.0} s");

            // Staff accounts: each change made on replica A ends the person's session on replica B at its next request.
            var accounts = portalA.Services.GetRequiredService<AccountStore>();
            var changes = new (string UserName, string Role, string Page, Func<Guid, Task<AccountChange>> Change)[]
            {
                ("replica.disabled", "nurse", "/patients", id => accounts.SetDisabledAsync(id, true, "replica.admin")),
                ("replica.demoted", "admin", "/admin/accounts", id => accounts.SetRoleAsync(id, "nurse", "replica.admin")),
                ("replica.repassworded", "manager", "/patients", id => accounts.SetPasswordAsync(id, "a brand new password", "replica.admin")),
            };
            foreach (var (userName, role, page, change) in changes)
            {
                using (var created = await PostAsync(adminOnA, "/admin/accounts", "/admin/accounts?handler=Create", new Dictionary<string, string>
                       {
                           ["NewUserName"] = userName, ["NewDisplayName"] = userName, ["NewRole"] = role, ["NewPassword"] = "the first password",
                       }))
                    Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
                var session = new CookieContainer();
                using var onA = Browser(portalA, session);
                using var onB = Browser(portalB, session);
                await SignInAsync(onA, userName, "the first password");
                Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync(page)).StatusCode);

                var account = (await accounts.FindByUserNameAsync(userName))!;
                Assert.True((await change(account.AccountId)).Succeeded);

                using var next = await onB.GetAsync(page);
                var location = next.Headers.Location;
                var to = location is null ? "" : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
                Assert.True(next.StatusCode == HttpStatusCode.Redirect && to.StartsWith("/login", StringComparison.Ordinal),
                    $"{userName} on the other replica got {(int)next.StatusCode} {location} for {page}");
                Assert.Equal(HttpStatusCode.Redirect, (await onB.GetAsync(page)).StatusCode);
                entry.Count("staff sessions ended on the other Portal replica");
            }
            entry.Pass();
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }

        async Task<(string Name, PainProTestHost Host)> Start(string name, Action<WebApplicationBuilder> add, Action<WebApplication> map, string? applicationName = null)
        {
            var host = await PainProTestHost.StartAsync(name, config, add, app =>
            {
                map(app);
                app.MapGet(ProbePath, (HttpContext http) => Results.Ok(http.User.Identity?.Name))
                    .RequireAuthorization(PainProAuth.IntegrationPolicy);
            }, applicationName: applicationName);
            hosts.Add(host);
            return (name, host);
        }
    }

    /// <summary>Polls every replica with the key until each answers <paramref name="status"/>; fails after twice the bound.</summary>
    private static async Task UntilEveryReplicaAsync(List<(string Name, PainProTestHost Host, string Path)> replicas, string key,
        HttpStatusCode status, string what)
    {
        var pending = replicas.ToList();
        var deadline = Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            var answers = await Task.WhenAll(pending.Select(async r =>
            {
                using var client = new HttpClient { BaseAddress = new Uri(r.Host.BaseUrl) };
                client.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, key);
                using var response = await client.GetAsync(r.Path);
                return (Replica: r, response.StatusCode);
            }));
            pending = answers.Where(a => a.StatusCode != status).Select(a => a.Replica).ToList();
            if (pending.Count == 0) return;
            if (deadline.Elapsed > Within * 2)
                throw new Xunit.Sdk.XunitException(
                    $"After {deadline.Elapsed.TotalSeconds:0.0} s these replicas had not {what}: {string.Join(", ", answers.Where(a => a.StatusCode != status).Select(a => $"{a.Replica.Name} ({(int)a.StatusCode})"))}");
            await Task.Delay(50);
        }
    }

    private static HttpClient Browser(PainProTestHost portal, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = new Uri(portal.BaseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static async Task SignInAsync(HttpClient browser, string userName, string password)
    {
        using var response = await PostAsync(browser, "/login", "/login",
            new Dictionary<string, string> { ["UserName"] = userName, ["Password"] = password });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"signing in as {userName} answered {(int)response.StatusCode}");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string page, string action, Dictionary<string, string> fields)
    {
        var html = await browser.GetStringAsync(page);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(Support.SystemUnderTest.AntiforgeryField().Match(html).Groups[1].Value);
        return await browser.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    private static async Task<string> PostFormAsync(HttpClient browser, string page, string action, Dictionary<string, string> fields)
    {
        using var response = await PostAsync(browser, page, action, fields);
        Assert.True(response.IsSuccessStatusCode, $"POST {action} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("id=\"issued-key-value\" class=\"secret\" value=\"([^\"]+)\"")]
    private static partial Regex IssuedKey();

    [GeneratedRegex("name=\"KeyId\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex RevokeForm();
}
