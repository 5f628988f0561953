using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Dev;
using PainPro.ServiceDefaults.Facilities;
using PainPro.ServiceDefaults.Health;
using PainPro.ServiceDefaults.Jobs;
using PainPro.ServiceDefaults.Messaging;
using PainPro.ServiceDefaults.Security;
using PainPro.ServiceDefaults.Telemetry;

using PainPro.ServiceDefaults.Web;

namespace PainPro.ServiceDefaults;

public static class HostingExtensions
{
    /// <summary>Cross-cutting set-up every PainPro service shares. Call first.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        // The levels an appsettings.json would carry, at the lowest precedence: per-request framework chatter
        // stays at Warning unless someone asks for it (outgoing requests too: a provider look-up's URL names a phone).
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            },
        });

        var section = builder.Configuration.GetSection(PainProOptions.Section);
        builder.AddValidatedOptions<PainProOptions, PainProOptionsValidator>(PainProOptions.Section);
        var options = section.Get<PainProOptions>() ?? new PainProOptions();

        if (!string.Equals(builder.Configuration["Logging:Console:FormatterName"], "simple", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }

        builder.AddPainProTelemetry(options.Telemetry);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseOutageHandler>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);

        builder.Services.TryAddSingleton<TimeProvider>(_ => options.IsSimulatedClock
            ? new SimulatedClock(stateFile: options.Database.Provider == "sqlite" ? Path.Combine(options.DataDirectory, "clock.json") : null)
            : TimeProvider.System);

        // Migrations first: hosted services start in registration order, so nothing reads an unmigrated schema.
        builder.Services.TryAddSingleton<DatabaseStartup>();
        builder.Services.TryAddSingleton<DatabaseConnector>();
        builder.Services.TryAddSingleton<MigrationRunner>();
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<MigrationHostedService>();

        // The clock (recurring jobs) and the runner of long jobs: Hangfire, after the migrations.
        builder.AddPainProJobs(options);

        // One facility directory for every service (names, care-team phones, send windows); checked at start-up.
        builder.Services.TryAddSingleton(sp => new FacilityDirectory(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddHostedService<FacilityDirectoryCheck>();

        builder.Services.TryAddSingleton<Credentials>();
        // API keys everywhere; the staff sign-in cookie is the Portal's (AddPortal), and the staff policies accept it
        // only where it is registered: in the Portal's host, and in AllInOne for every service.
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(PainProAuth.ApiKeyScheme, _ => { });
        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthenticationOptions>>((authorization, authentication) =>
        {
            string[] staffSchemes = authentication.Value.SchemeMap.ContainsKey(PainProAuth.CookieScheme)
                ? [PainProAuth.ApiKeyScheme, PainProAuth.CookieScheme]
                : [PainProAuth.ApiKeyScheme];
            authorization.AddPolicy(PainProAuth.IntegrationPolicy, p => p
                .AddAuthenticationSchemes(PainProAuth.ApiKeyScheme)
                .RequireRole(PainProAuth.IntegrationRole));
            authorization.AddPolicy(PainProAuth.StaffOrIntegrationPolicy, p => p
                .AddAuthenticationSchemes(staffSchemes)
                .RequireRole(PainProAuth.IntegrationRole, PainProAuth.NurseRole, PainProAuth.ManagerRole, PainProAuth.AdminRole));
            authorization.AddPolicy(PainProAuth.AuditPolicy, p => p
                .AddAuthenticationSchemes(staffSchemes)
                .RequireRole(PainProAuth.IntegrationRole, PainProAuth.AdminRole));
        });

        builder.Services.AddAntiforgery();
        // Issued API keys, the audit policy, the encrypted key ring and the outbox/inbox retention purge.
        builder.AddPlatformSecurity(options);

        // Behind an ingress the client address and scheme arrive in X-Forwarded-*; trust them only from known proxies.
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var network in options.TrustedProxyNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        // Consumers are read from the container when the bus starts: services may declare theirs after this.
        builder.AddPainProBus();
        return builder;
    }

    /// <summary>Registers a service's own database; it is migrated at start-up and its outbox relayed.</summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDb>(this IHostApplicationBuilder builder) where TDb : ServiceDatabase
    {
        builder.Services.AddSingleton<TDb>();
        builder.Services.AddSingleton<ServiceDatabase>(sp => sp.GetRequiredService<TDb>());
        var schema = typeof(TDb).GetField("Name")?.GetRawConstantValue() as string ?? typeof(TDb).Name.ToLowerInvariant();
        builder.AddConsumer<ApiKeyIssuedConsumer<TDb>>(schema);
        builder.AddConsumer<ApiKeyRevokedConsumer<TDb>>(schema);
        builder.AddDueWork<OutboxRetention<TDb>>(schema, "purge-outbox-and-inbox", cron: JobSchedules.EveryMinute);
        return builder;
    }

    /// <summary>Middleware and endpoints every service shares: errors, auth, health, and dev endpoints when enabled.</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseBaselineSecurityHeaders();
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        // Form endpoints (the survey form, Portal pages) validate tokens; webhooks opt out with DisableAntiforgery().
        app.UseAntiforgery();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live"), ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync });
        app.MapFavicon();

        var options = app.Services.GetRequiredService<IOptions<PainProOptions>>().Value;
        if (options.Dev.Enabled) app.MapDevClock();
        app.Lifetime.ApplicationStarted.Register(() => AnnounceStart(app, options));
        return app;
    }

    private static void AnnounceStart(WebApplication app, PainProOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PainPro");
        var databases = app.Services.GetServices<ServiceDatabase>().Select(d => d.Describe());
        logger.LogInformation("PainPro {Application} listening on {Urls}; bus {Transport}; clock {Clock}; data {Databases}",
            app.Environment.ApplicationName, string.Join(", ", app.Urls), options.Bus.Transport, options.Clock, string.Join("; ", databases));
        if (!options.Dev.Enabled) return;

        var credentials = app.Services.GetRequiredService<Credentials>();
        logger.LogWarning("Dev mode is on: dev endpoints are open and dev credentials are accepted");
        // Plain lines too, so a newcomer finds them without reading JSON.
        Console.WriteLine($"PainPro dev API key (X-Api-Key): {credentials.DevApiKey}");
        Console.WriteLine($"PainPro dev Twilio auth token:   {credentials.TwilioAuthToken}");
    }
}
