using PainPro.Benchmarks.Harness;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Benchmarks.Cluster;

/// <summary>
/// The four services as separate operating-system processes on one fresh PostgreSQL database and one fresh RabbitMQ
/// virtual host, as they run on Kubernetes, with the Twilio test double as the SMS provider. Only Scheduling has dev
/// mode on, for its simulated clock (the dispatch section moves it to make a cohort due at one instant).
/// </summary>
public sealed class PainProCluster : IAsyncDisposable
{
    /// <summary>The integration key the harness registers procedures with.</summary>
    public const string ApiKey = "painpro-benchmarks-integration-key";

    private readonly List<IAsyncDisposable> owned = [];

    private readonly string servicesConnectionString;
    private IReadOnlyDictionary<string, string?> everyService = new Dictionary<string, string?>();
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "painpro-benchmarks-" + Guid.NewGuid().ToString("N")[..12]);

    private PainProCluster(PostgresDatabase database, RabbitMqVirtualHost broker, TwilioDouble twilio, string? npgsqlOptions)
    {
        servicesConnectionString = ConnectionStrings.With(database.ConnectionString, npgsqlOptions);
        Database = database;
        Broker = broker;
        Twilio = twilio;
    }

    public PostgresDatabase Database { get; }
    public RabbitMqVirtualHost Broker { get; }
    public TwilioDouble Twilio { get; }
    public ServiceProcess Scheduling { get; private set; } = null!;
    public ServiceProcess Messaging { get; private set; } = null!;
    public ServiceProcess Ingestion { get; private set; } = null!;
    public ServiceProcess Portal { get; private set; } = null!;

    public IReadOnlyList<ServiceProcess> Services => [Scheduling, Messaging, Ingestion, Portal];

    /// <summary>Starts counting the CPU each service (and PostgreSQL, RabbitMQ, the harness) uses from now.</summary>
    public CpuAccounting StartCpuAccounting() => CpuAccounting.Start(Services
        .Where(s => s.ProcessId is not null)
        .ToDictionary(s => s.ProcessId!.Value, s => s.Service.ToLowerInvariant()));

    /// <summary>The token Twilio signs webhooks with (the double's, as one Twilio account has one token).</summary>
    public string TwilioAuthToken => Twilio.AuthToken;

    /// <param name="npgsqlOptions">Connection-string settings laid over the services' (tuning experiments).</param>
    /// <param name="everyService">Settings given to all four services (the telemetry section's OTLP exporter).</param>
    public static async Task<PainProCluster> StartAsync(string? npgsqlOptions, TextWriter log, IReadOnlyDictionary<string, string?>? everyService = null)
    {
        var database = await PostgresDatabase.CreateAsync();
        var broker = await RabbitMqVirtualHost.CreateAsync();
        var twilio = await TwilioDouble.StartAsync();
        var cluster = new PainProCluster(database, broker, twilio, npgsqlOptions) { everyService = everyService ?? new Dictionary<string, string?>() };
        cluster.owned.AddRange([twilio, broker, database]);
        try
        {
            await cluster.StartServicesAsync(log);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartServicesAsync(TextWriter log)
    {
        // Ports chosen up front so the Portal can be told where the others are and all four start together.
        var ports = Enumerable.Range(0, 4).Select(_ => TestInfrastructure.FreePort()).ToArray();
        string Url(int port) => $"http://127.0.0.1:{port}";
        var ready = TimeSpan.FromSeconds(120);
        var starting = new[]
        {
            ServiceProcess.StartAsync("Scheduling", port: ports[0], readyWithin: ready, configuration: With(new()
            {
                ["PainPro:Dev:Enabled"] = "true",
                ["PainPro:Dev:ApiKey"] = ApiKey,
                ["PainPro:Clock"] = "simulated",
            })),
            ServiceProcess.StartAsync("Messaging", port: ports[1], readyWithin: ready, configuration: With(new()
            {
                ["PainPro:Messaging:Sms:Provider"] = "twilio",
                ["PainPro:Messaging:Twilio:BaseUrl"] = Twilio.BaseUrl,
                ["PainPro:Messaging:Twilio:AccountSid"] = Twilio.AccountSid,
                ["PainPro:Messaging:Twilio:MessagingServiceSid"] = "MG" + new string('0', 32),
                // A Messaging Service with a sender pool; 0 lifts the token bucket so the pipeline, not a
                // carrier's per-number limit, is what gets measured.
                ["PainPro:Messaging:Twilio:RatePerSecond"] = "0",
                ["PainPro:Messaging:Email:Provider"] = "dev",
            })),
            ServiceProcess.StartAsync("Ingestion", port: ports[2], readyWithin: ready, configuration: With(new())),
            ServiceProcess.StartAsync("Portal", port: ports[3], readyWithin: ready, configuration: With(new()
            {
                ["PainPro:Portal:SchedulingUrl"] = Url(ports[0]),
                ["PainPro:Portal:IngestionUrl"] = Url(ports[2]),
                ["PainPro:Portal:MessagingUrl"] = Url(ports[1]),
                ["PainPro:Portal:ApiKey"] = ApiKey,
            })),
        };
        try { await Task.WhenAll(starting); }
        finally
        {
            // Whatever started is ours to stop, even when a sibling failed.
            owned.InsertRange(0, starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
        }
        (Scheduling, Messaging, Ingestion, Portal) = (starting[0].Result, starting[1].Result, starting[2].Result, starting[3].Result);
        log.WriteLine($"  services ready: scheduling {Scheduling.BaseUrl}, messaging {Messaging.BaseUrl}, ingestion {Ingestion.BaseUrl}, portal {Portal.BaseUrl}");
    }

    /// <summary>Production settings (PostgreSQL, RabbitMQ, system clock, no dev mode) plus the service's own.</summary>
    private Dictionary<string, string?> With(Dictionary<string, string?> own)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PainPro:Database:Provider"] = "postgres",
            ["PainPro:Database:ConnectionString"] = servicesConnectionString,
            ["PainPro:Bus:Transport"] = "rabbitmq",
            ["PainPro:Bus:RabbitMqUri"] = Broker.Uri,
            ["PainPro:Twilio:AuthToken"] = Twilio.AuthToken,
            ["PainPro:Twilio:AccountSid"] = Twilio.AccountSid,
            ["PainPro:Auth:ApiKeys:0:Name"] = "benchmarks",
            ["PainPro:Auth:ApiKeys:0:Sha256"] = PainProAuth.Sha256Hex(ApiKey),
            ["PainPro:Dev:Enabled"] = "false",
            ["PainPro:Clock"] = "system",
            ["PainPro:DataDirectory"] = dataDirectory,
        };
        settings.WithDataProtection();
        foreach (var (key, value) in everyService) settings[key] = value;
        foreach (var (key, value) in own) settings[key] = value;
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in owned)
        {
            try { await resource.DisposeAsync(); }
            catch (Exception) { /* tearing down: the next resource still deserves its chance */ }
        }
        try { if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true); }
        catch (IOException) { /* a leftover temporary directory is harmless */ }
    }
}
