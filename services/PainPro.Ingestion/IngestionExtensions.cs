using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using PainPro.ServiceDefaults;

namespace PainPro.Ingestion;

public static class IngestionExtensions
{
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<IngestionDb>();
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        return app;
    }
}
