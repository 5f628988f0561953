namespace PainPro.Portal;

/// <summary>
/// Everything under <c>PainPro:Portal</c>.
/// <code>
/// PainPro:Portal:SchedulingUrl          base URL of Scheduling's API (default PainPro:PublicBaseUrl)
/// PainPro:Portal:IngestionUrl           base URL of Ingestion's API (default PainPro:PublicBaseUrl)
/// PainPro:Portal:MessagingUrl           base URL of Messaging (the admin pages' sender banner, the dev phone page; default PainPro:PublicBaseUrl)
/// PainPro:Portal:ApiKey                 X-Api-Key the Portal presents to the services (default: the dev key in dev mode)
/// PainPro:Portal:BootstrapAdmin:UserName / :Password   an admin account created on first start when missing
/// PainPro:Portal:DemoPassword           password of the dev-mode demo accounts (default: generated once, kept in the data directory)
/// PainPro:Portal:Lockout:MaxFailures    failed sign-ins before a lock-out (default 5)
/// PainPro:Portal:Lockout:Duration       how long a lock-out lasts (default 00:15:00)
/// PainPro:Portal:TimeZone               IANA zone the Portal shows times in (default UTC)
/// PainPro:Portal:WorklistRefresh        how often the worklist refreshes itself (default 00:00:30)
/// </code>
/// </summary>
public sealed class PortalOptions
{
    public const string Section = "PainPro:Portal";

    public string? SchedulingUrl { get; set; }
    public string? IngestionUrl { get; set; }
    public string? MessagingUrl { get; set; }
    public string? ApiKey { get; set; }
    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
    public string? DemoPassword { get; set; }
    public LockoutOptions Lockout { get; set; } = new();

    public string TimeZone { get; set; } = "UTC";
    public TimeSpan WorklistRefresh { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class BootstrapAdminOptions
{
    public string? UserName { get; set; }
    public string? Password { get; set; }
}

public sealed class LockoutOptions
{
    public int MaxFailures { get; set; } = 5;
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Refuses start-up on Portal settings that cannot work, naming the key.</summary>
internal sealed class PortalOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<PortalOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var errors = new List<string>();
        foreach (var (key, url) in new[] { ("SchedulingUrl", options.SchedulingUrl), ("IngestionUrl", options.IngestionUrl), ("MessagingUrl", options.MessagingUrl) })
            if (!string.IsNullOrWhiteSpace(url) && !Uri.TryCreate(url, UriKind.Absolute, out _))
                errors.Add($"{PortalOptions.Section}:{key} must be an absolute URL such as http://scheduling:8080.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
            errors.Add($"{PortalOptions.Section}:TimeZone '{options.TimeZone}' is not an IANA time zone such as Europe/London.");
        if (options.Lockout.MaxFailures < 1) errors.Add($"{PortalOptions.Section}:Lockout:MaxFailures must be at least 1.");
        if (options.Lockout.Duration <= TimeSpan.Zero) errors.Add($"{PortalOptions.Section}:Lockout:Duration must be a positive duration such as 00:15:00.");
        if (options.WorklistRefresh <= TimeSpan.Zero) errors.Add($"{PortalOptions.Section}:WorklistRefresh must be a positive duration such as 00:00:30.");
        return errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
