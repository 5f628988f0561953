using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.Accounts;

/// <summary>
/// First start: creates the bootstrap administrator from configuration, and in dev mode one demo account per
/// role, whose password is printed at every start (it is the dev-mode convenience, like the dev API key).
/// Runs after the migrations (hosted services start in registration order).
/// </summary>
internal sealed class AccountSeeder(
    AccountStore accounts,
    IOptions<PortalOptions> portalOptions,
    IOptions<PainProOptions> painProOptions,
    IHostApplicationLifetime lifetime,
    ServiceDefaults.Data.DatabaseStartup startup,
    ServiceDefaults.Data.DatabaseConnector connector,
    ILogger<AccountSeeder> logger) : IHostedService
{
    public static readonly IReadOnlyList<(string UserName, string DisplayName, string Role)> DemoAccounts =
    [
        ("nurse", "Demo Nurse", PainProAuth.NurseRole),
        ("manager", "Demo Manager", PainProAuth.ManagerRole),
        ("admin", "Demo Administrator", PainProAuth.AdminRole),
    ];

    // After the migrations, which may still be waiting for the database: then in the background, after them.
    public Task StartAsync(CancellationToken ct) => startup.RunAsync("Seeding the Portal's accounts", connector.DescribeServer(), SeedAsync, ct);

    private async Task SeedAsync(CancellationToken ct)
    {
        var bootstrap = portalOptions.Value.BootstrapAdmin;
        if (!string.IsNullOrWhiteSpace(bootstrap.UserName) && !string.IsNullOrEmpty(bootstrap.Password))
        {
            var created = await EnsureAsync(bootstrap.UserName, "Administrator", PainProAuth.AdminRole, bootstrap.Password, ct);
            if (created) logger.LogInformation("Created the bootstrap administrator account {UserName}", bootstrap.UserName);
        }

        if (!painProOptions.Value.Dev.Enabled) return;
        var password = portalOptions.Value.DemoPassword is { Length: > 0 } configured
            ? configured
            : LoadOrCreateDemoPassword(painProOptions.Value.DataDirectory);
        foreach (var (userName, displayName, role) in DemoAccounts)
            await EnsureAsync(userName, displayName, role, password, ct);

        lifetime.ApplicationStarted.Register(() =>
        {
            Console.WriteLine("PainPro Portal demo accounts (dev mode; user name / password):");
            foreach (var (userName, _, role) in DemoAccounts)
                Console.WriteLine($"  {role,-8} {userName} / {password}");
        });
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private async Task<bool> EnsureAsync(string userName, string displayName, string role, string password, CancellationToken ct)
    {
        if (await accounts.FindByUserNameAsync(userName, ct) is not null) return false;
        var change = await accounts.CreateAsync(new NewStaffAccount(userName, displayName, role, password), PortalAudit.System, ct);
        if (change.Succeeded) return true;
        // Another replica starting at the same moment created it first: that is the account wanted.
        if (await accounts.FindByUserNameAsync(userName, ct) is not null) return false;
        // A bad bootstrap configuration must be loud, not a Portal nobody can sign in to.
        throw new InvalidOperationException(
            $"Cannot create the staff account '{userName}': {string.Join(" ", change.Problems.Select(p => $"{p.Key}: {p.Value}"))}");
    }

    private sealed record DemoSecrets(string Password);

    /// <summary>Generated once and kept beside the data, so the printed password stays the same across restarts.</summary>
    private static string LoadOrCreateDemoPassword(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "portal-demo-accounts.json");
        try
        {
            if (File.Exists(file) && JsonSerializer.Deserialize<DemoSecrets>(File.ReadAllText(file)) is { Password.Length: > 0 } existing)
                return existing.Password;
        }
        catch (JsonException) { /* unreadable: make a new one */ }

        var password = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        try
        {
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(file, JsonSerializer.Serialize(new DemoSecrets(password)));
        }
        catch (IOException) { /* read-only disk: this run only */ }
        catch (UnauthorizedAccessException) { }
        return password;
    }
}
