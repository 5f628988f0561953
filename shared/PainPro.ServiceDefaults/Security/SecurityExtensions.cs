using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.ServiceDefaults.Security;

/// <summary>The platform's security and privacy set-up: issued keys, the audit policy, the key ring, retention, headers.</summary>
internal static class SecurityExtensions
{
    public static void AddPlatformSecurity(this IHostApplicationBuilder builder, PainProOptions options)
    {
        // The cache runs on real time: a dev clock that jumps days must not make a revoked key live longer (or shorter).
        builder.Services.AddSingleton(sp => new IssuedApiKeys(
            sp.GetServices<ServiceDatabase>(), sp.GetRequiredService<IOptions<PainProOptions>>(), TimeProvider.System));

        KeyRingProtection.AddKeyRing(builder.Services, options);
    }

    public static WebApplication UseBaselineSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<BaselineSecurityHeaders>();
        return app;
    }
}
