using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using PainPro.ServiceDefaults;

namespace PainPro.Scheduling;

public static class SchedulingExtensions
{
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<SchedulingDb>();
        return builder;
    }

    public static WebApplication MapScheduling(this WebApplication app)
    {
        return app;
    }
}
