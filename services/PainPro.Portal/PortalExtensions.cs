using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using PainPro.ServiceDefaults;

namespace PainPro.Portal;

public static class PortalExtensions
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PortalDb>();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        return app;
    }
}
