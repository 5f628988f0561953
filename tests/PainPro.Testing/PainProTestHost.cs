using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Testing;

/// <summary>
/// A real PainPro host on a free loopback port, wired exactly like a service's Program.cs:
/// ServiceDefaults, the given services' <c>AddX</c>, the bus, then <c>MapServiceDefaults</c> and the services' <c>MapX</c>.
/// Several of these on one RabbitMQ and one PostgreSQL are the "separate hosts" of the integration tests.
/// </summary>
public sealed class PainProTestHost : IAsyncDisposable
{
    private PainProTestHost(WebApplication app, string baseUrl, CapturedLogs logs)
    {
        App = app;
        BaseUrl = baseUrl;
        Logs = logs;
    }

    public WebApplication App { get; }
    public IServiceProvider Services => App.Services;
    public string BaseUrl { get; }
    public CapturedLogs Logs { get; }

    /// <summary>The dev or configured API key of this host, if any.</summary>
    public string? ApiKey => Services.GetRequiredService<Credentials>().DevApiKey;

    /// <summary>A client for this host, sending the host's dev API key unless told otherwise.</summary>
    public HttpClient CreateClient(bool withApiKey = true)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (withApiKey && ApiKey is { } key) client.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <param name="name">For logs.</param>
    /// <param name="configuration">PainPro settings; <see cref="Configuration"/> builds the usual sets.</param>
    /// <param name="add">The services' <c>AddX</c> calls.</param>
    /// <param name="map">The services' <c>MapX</c> calls.</param>
    /// <param name="port">A fixed port (e.g. to restart a host on the same address); free one by default.</param>
    /// <param name="applicationName">The host's application assembly, e.g. <c>PainPro.Portal</c> for its Razor Pages.</param>
    public static async Task<PainProTestHost> StartAsync(
        string name,
        IDictionary<string, string?> configuration,
        Action<WebApplicationBuilder> add,
        Action<WebApplication> map,
        int? port = null,
        string? applicationName = null)
    {
        var chosenPort = port ?? TestInfrastructure.FreePort();
        var baseUrl = $"http://127.0.0.1:{chosenPort}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Must name a real assembly: hosting loads it (startup assemblies, Razor application parts).
            ApplicationName = applicationName ?? typeof(PainProTestHost).Assembly.GetName().Name,
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        var settings = new Dictionary<string, string?>(configuration)
        {
            ["Logging:Console:FormatterName"] = "simple",
        };
        settings.TryAdd("PainPro:PublicBaseUrl", baseUrl);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(baseUrl);

        builder.AddServiceDefaults();
        var logs = new CapturedLogs(name);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);

        add(builder);

        var app = builder.Build();
        app.MapServiceDefaults();
        map(app);
        await app.StartAsync();
        var host = new PainProTestHost(app, baseUrl, logs);
        // Ready means migrated and connected to the broker: a message published before that could be lost.
        using var client = host.CreateClient(withApiKey: false);
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode,
            $"{name} at {baseUrl} to be ready", TimeSpan.FromSeconds(60));
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await App.StopAsync(cts.Token); }
        catch (OperationCanceledException) { }
        await App.DisposeAsync();
    }

    /// <summary>Common configuration sets for test hosts.</summary>
    public static class Configuration
    {
        public const string TwilioAuthToken = "test-twilio-auth-token";
        public const string ApiKey = "test-api-key";

        /// <summary>Real PostgreSQL and RabbitMQ, as in production; dev endpoints on for the test's own use.</summary>
        public static Dictionary<string, string?> Production(string postgresConnectionString, string rabbitMqUri, bool simulatedClock = false) =>
            Production(TestDatabase.Postgres, postgresConnectionString, rabbitMqUri, simulatedClock);

        /// <summary>A real database server (<paramref name="provider"/>: postgres or sqlserver) and RabbitMQ.</summary>
        public static Dictionary<string, string?> Production(string provider, string connectionString, string rabbitMqUri, bool simulatedClock = false) => new()
        {
            ["PainPro:Database:Provider"] = provider,
            ["PainPro:Database:ConnectionString"] = connectionString,
            ["PainPro:Bus:Transport"] = "rabbitmq",
            ["PainPro:Bus:RabbitMqUri"] = rabbitMqUri,
            ["PainPro:Twilio:AuthToken"] = TwilioAuthToken,
            ["PainPro:Dev:Enabled"] = "true",
            ["PainPro:Dev:ApiKey"] = ApiKey,
            ["PainPro:Clock"] = simulatedClock ? "simulated" : "system",
            ["PainPro:DueWorkInterval"] = "00:00:01",
            ["PainPro:SweepInterval"] = "00:00:01",
        };

        /// <summary>AllInOne's embedded set: SQLite files in a fresh directory and the in-memory bus.</summary>
        public static Dictionary<string, string?> Embedded(string dataDirectory, bool simulatedClock = true) => new()
        {
            ["PainPro:Database:Provider"] = "sqlite",
            ["PainPro:DataDirectory"] = dataDirectory,
            ["PainPro:Bus:Transport"] = "inmemory",
            ["PainPro:Twilio:AuthToken"] = TwilioAuthToken,
            ["PainPro:Dev:Enabled"] = "true",
            ["PainPro:Dev:ApiKey"] = ApiKey,
            ["PainPro:Clock"] = simulatedClock ? "simulated" : "system",
            ["PainPro:DueWorkInterval"] = "00:00:01",
            ["PainPro:SweepInterval"] = "00:00:01",
        };
    }
}
