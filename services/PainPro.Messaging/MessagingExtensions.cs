using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using PainPro.ServiceDefaults;

namespace PainPro.Messaging;

public static class MessagingExtensions
{
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<MessagingDb>();
        return builder;
    }

    public static WebApplication MapMessaging(this WebApplication app)
    {
        return app;
    }
}
