using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.Portal;
using PainPro.Scheduling;

namespace PainPro.AllInOne;

/// <summary>The four services in one host. Tests compose exactly this, so they run what AllInOne runs.</summary>
public static class AllServices
{
    public static IHostApplicationBuilder AddAllServices(this IHostApplicationBuilder builder)
    {
        builder.AddScheduling();
        builder.AddMessaging();
        builder.AddIngestion();
        builder.AddPortal();
        return builder;
    }

    public static WebApplication MapAllServices(this WebApplication app)
    {
        app.MapScheduling();
        app.MapMessaging();
        app.MapIngestion();
        app.MapPortal();
        return app;
    }
}
