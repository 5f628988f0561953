using Microsoft.AspNetCore.Hosting;

namespace PainPro.AllInOne;

public static class AllInOneDefaults
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The care team AllInOne notifies unless configured otherwise (the dev email gateway records it).</summary>
    public const string DevCareTeamEmail = "care-team@painpro.example";

    /// <summary>
    /// The embedded defaults a newcomer needs and nothing else: SQLite under ./data, the in-memory bus,
    /// dev gateways and credentials. Any of it can still be overridden by configuration.
    /// </summary>
    public static WebApplicationBuilder UseAllInOneDefaults(this WebApplicationBuilder builder)
    {
        var defaults = new Dictionary<string, string?>
        {
            ["PainPro:Database:Provider"] = "sqlite",
            ["PainPro:Bus:Transport"] = "inmemory",
            ["PainPro:Dev:Enabled"] = "true",
            // Flows like the system clock until /dev/clock/advance moves it forward.
            ["PainPro:Clock"] = "simulated",
            ["PainPro:PublicBaseUrl"] = DefaultUrl,
            ["PainPro:DataDirectory"] = "data",
            // A care team to notify, so the demo's alert notices show in /dev/outbox?to=care-team%40painpro.example.
            ["PainPro:Messaging:CareTeam:Emails:0"] = DevCareTeamEmail,
            // A newcomer reads these logs in a terminal: plain lines, and no per-queue chatter from the bus.
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:LogLevel:MassTransit"] = "Warning",
            ["Logging:LogLevel:Hangfire"] = "Warning",
        };
        // Lowest precedence: appsettings, environment and command line all win over these.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        return builder;
    }
}
