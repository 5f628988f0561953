namespace PainPro.ServiceDefaults;

/// <summary>Everything under the <c>PainPro</c> configuration section.</summary>
public sealed class PainProOptions
{
    public const string Section = "PainPro";

    /// <summary>Where AllInOne (and any SQLite deployment) keeps its database files.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The public origin Twilio calls; webhook signatures are computed on it.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary><c>system</c> or <c>simulated</c>.</summary>
    public string Clock { get; set; } = "system";

    public DatabaseOptions Database { get; set; } = new();
    public BusOptions Bus { get; set; } = new();
    public DevOptions Dev { get; set; } = new();
    public TwilioOptions Twilio { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public Messaging.RetentionOptions Retention { get; set; } = new();
    public Security.KeyRingOptions DataProtection { get; set; } = new();
    public Jobs.JobsOptions Jobs { get; set; } = new();
    public Telemetry.TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>
    /// Networks (CIDR) of the reverse proxies whose X-Forwarded-* headers are trusted, e.g. the ingress pods'.
    /// Loopback is always trusted.
    /// </summary>
    public List<string> TrustedProxyNetworks { get; set; } = [];

    /// <summary>
    /// The period of the recurring jobs that run due work (claim, expiry, escalation, sweeps) unless one declares its own
    /// schedule: whole seconds, minutes or hours that divide the next unit (a Hangfire seconds cron). Zero turns every
    /// schedule off: due work then runs only when the dev clock moves (tests that drive the clock themselves).
    /// </summary>
    public TimeSpan DueWorkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The period of the sweeps (<see cref="Jobs.DueWorkPace.Sweep"/>: expiry, escalation, stalled sends, care-team
    /// notices, early replies), in the same form as <see cref="DueWorkInterval"/>, which also switches them off.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan PeriodOf(global::PainPro.ServiceDefaults.Jobs.DueWorkPace pace) => pace == global::PainPro.ServiceDefaults.Jobs.DueWorkPace.Sweep ? SweepInterval : DueWorkInterval;

    public bool IsSimulatedClock => string.Equals(Clock, "simulated", StringComparison.OrdinalIgnoreCase);
}

public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (embedded default), <c>postgres</c> or <c>sqlserver</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>PostgreSQL or SQL Server connection string; each service works in its own schema.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Maximum rows the outbox relay publishes per round trip.</summary>
    public int OutboxBatchSize { get; set; } = 500;
}

public sealed class BusOptions
{
    /// <summary><c>inmemory</c> (AllInOne) or <c>rabbitmq</c>.</summary>
    public string Transport { get; set; } = "inmemory";

    /// <summary>e.g. <c>amqp://guest:guest@127.0.0.1:5672/</c>.</summary>
    public string RabbitMqUri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>Declare queues as quorum queues (clustered RabbitMQ).</summary>
    public bool QuorumQueues { get; set; }

    public int PrefetchCount { get; set; } = 32;

    public int RetryLimit { get; set; } = 5;

    /// <summary>
    /// How long the outbox relay waits for the broker to confirm a batch before it gives up on it and publishes it
    /// again. A confirm lost in a broker restart otherwise leaves the publish waiting forever (RabbitMQ.Client 7.x).
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the bus watchdog sends itself a probe through RabbitMQ (not used on the in-memory bus).</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a probe may take to come back before it counts as lost; two lost in a row restart the bus.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class DevOptions
{
    /// <summary>Turns on the dev endpoints, dev gateways and dev credentials.</summary>
    public bool Enabled { get; set; }

    public string? ApiKey { get; set; }
}

public sealed class TwilioOptions
{
    public string? AuthToken { get; set; }
    public string? AccountSid { get; set; }
}

public sealed class AuthOptions
{
    /// <summary>Integration API keys, stored as lowercase hex SHA-256 hashes; never the key itself.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>
    /// How long a replica trusts what it read about an issued key (accepted or unknown): the longest a key issued or
    /// revoked at the Portal can still be refused or accepted after the service consumed the event.
    /// </summary>
    public TimeSpan IssuedKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(2);
}

public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string Sha256 { get; set; } = "";
}

/// <summary>Refuses start-up on platform settings that cannot work, naming the key.</summary>
internal sealed class PainProOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<PainProOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, PainProOptions options)
    {
        var errors = new List<string>();
        const string section = PainProOptions.Section;
        if (!options.IsSimulatedClock && !string.Equals(options.Clock, "system", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{section}:Clock '{options.Clock}' is not supported; use 'system' or 'simulated'.");
        if (options.DueWorkInterval != TimeSpan.Zero && !Jobs.JobSchedules.TryEveryInterval(options.DueWorkInterval, out _, out var schedule))
            errors.Add(schedule);
        if (options.DueWorkInterval != TimeSpan.Zero && !Jobs.JobSchedules.TryEveryInterval(options.SweepInterval, out _, out var sweep))
            errors.Add(sweep.Replace("DueWorkInterval", "SweepInterval"));
        var bus = options.Bus;
        if (bus.PrefetchCount < 1) errors.Add($"{section}:Bus:PrefetchCount must be at least 1.");
        if (bus.RetryLimit < 0) errors.Add($"{section}:Bus:RetryLimit must not be negative.");
        if (bus.PublishTimeout <= TimeSpan.Zero) errors.Add($"{section}:Bus:PublishTimeout must be a positive duration such as 00:00:30.");
        if (bus.ProbeInterval <= TimeSpan.Zero) errors.Add($"{section}:Bus:ProbeInterval must be a positive duration such as 00:00:15.");
        if (bus.ProbeTimeout <= TimeSpan.Zero) errors.Add($"{section}:Bus:ProbeTimeout must be a positive duration such as 00:00:10.");
        if (options.Telemetry.Problem() is { } telemetry) errors.Add(telemetry);
        if (options.Jobs.WorkerCount < 1) errors.Add($"{section}:Jobs:WorkerCount must be at least 1.");
        if (options.Jobs.QueuePollInterval <= TimeSpan.Zero) errors.Add($"{section}:Jobs:QueuePollInterval must be a positive duration such as 00:00:01.");
        if (options.Jobs.OrphanedLockTimeout <= TimeSpan.Zero) errors.Add($"{section}:Jobs:OrphanedLockTimeout must be a positive duration such as 00:00:30.");
        if (options.Retention.Problem() is { } retention) errors.Add(retention);
        if (options.Auth.IssuedKeyCacheDuration < TimeSpan.Zero) errors.Add($"{section}:Auth:IssuedKeyCacheDuration must not be negative.");
        if (options.Database.OutboxBatchSize < 1) errors.Add($"{section}:Database:OutboxBatchSize must be at least 1.");
        return errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
