using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.Options;
using PainPro.Portal.Accounts;
using PainPro.Portal.ApiKeys;
using PainPro.Portal.Clients;
using PainPro.Portal.Dashboard;
using PainPro.Portal.DevPhone;
using PainPro.Portal.Web;
using PainPro.Portal.Worklist;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal;

public static class PortalExtensions
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PortalDb>();
        builder.Services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.Section));

        builder.Services.AddSingleton<IPasswordHasher<StaffAccount>, PasswordHasher<StaffAccount>>();
        builder.Services.AddSingleton<AccountStore>();
        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddTransient<Audit.AuditTrail>();
        builder.Services.AddSingleton<SystemNotices>();
        builder.Services.AddSingleton<DisplayTime>();
        builder.Services.AddTransient<DashboardLoader>();
        builder.Services.AddMemoryCache();
        builder.Services.AddTransient<WorklistPatients>();
        builder.Services.AddSingleton<PhoneConversationLog>();
        builder.Services.AddHostedService<AccountSeeder>();

        AddServiceClients(builder);
        ConfigureSignIn(builder);

        var portalAssembly = typeof(PortalExtensions).Assembly;
        builder.Services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/", PortalPolicies.Staff);
                o.Conventions.AllowAnonymousToPage("/Login");
                o.Conventions.AllowAnonymousToPage("/AccessDenied");
                o.Conventions.AuthorizeFolder("/Dashboard", PortalPolicies.Dashboard);
                o.Conventions.AuthorizeFolder("/Admin", PortalPolicies.Admin);
                // The phone simulator answers as any patient: an admin's tool, and only in dev mode (the page 404s otherwise).
                o.Conventions.AuthorizeFolder("/Dev", PortalPolicies.Admin);
                o.Conventions.ConfigureFilter(new SecurityHeadersFilter());
            })
            // The pages live in this library; whichever host runs it (Portal, AllInOne, a test) must find them,
            // whatever its entry assembly is. The factory adds the compiled Razor views as well as the types.
            .ConfigureApplicationPartManager(parts =>
            {
                if (parts.ApplicationParts.Any(p => p is AssemblyPart a && a.Assembly == portalAssembly)) return;
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(portalAssembly).GetApplicationParts(portalAssembly))
                    parts.ApplicationParts.Add(part);
            });
        builder.Services.AddAuthorizationBuilder().AddPortalPolicies();
        builder.Services.AddPortalErrorPages();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UsePortalErrorPages();
        app.MapPortalAssets();
        app.MapRazorPages();
        return app;
    }

    private static void AddServiceClients(IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<PortalOptions>>().Value.ApiKey;
            var key = string.IsNullOrWhiteSpace(configured) ? sp.GetRequiredService<Credentials>().DevApiKey : configured;
            if (key is null)
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("PainPro.Portal").LogWarning(
                    "No {Setting} is configured (and dev mode is off): Scheduling and Ingestion will refuse the Portal's calls",
                    "PainPro:Portal:ApiKey");
            return new PortalServiceKey(key);
        });
        builder.Services.AddTransient<ServiceCallHandler>();

        builder.Services.AddHttpClient<SchedulingClient>((sp, http) => Configure(sp, http, o => o.SchedulingUrl))
            .AddHttpMessageHandler<ServiceCallHandler>();
        builder.Services.AddHttpClient<IngestionClient>((sp, http) => Configure(sp, http, o => o.IngestionUrl))
            .AddHttpMessageHandler<ServiceCallHandler>();
        builder.Services.AddHttpClient<PhoneSimulator>((sp, http) => Configure(sp, http, o => o.MessagingUrl));
        builder.Services.AddHttpClient<MessagingClient>((sp, http) => Configure(sp, http, o => o.MessagingUrl))
            .AddHttpMessageHandler<ServiceCallHandler>();

        static void Configure(IServiceProvider sp, HttpClient http, Func<PortalOptions, string?> url)
        {
            var baseUrl = url(sp.GetRequiredService<IOptions<PortalOptions>>().Value) is { Length: > 0 } configured
                ? configured
                : sp.GetRequiredService<IOptions<PainProOptions>>().Value.PublicBaseUrl;
            http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(15);
        }
    }

    private static void ConfigureSignIn(IHostApplicationBuilder builder) =>
        // ServiceDefaults owns the cookie; the Portal adds what only it knows: where access-denied goes, and the
        // per-request check that the account is still active and unchanged.
        builder.Services.PostConfigure<CookieAuthenticationOptions>(PainProAuth.CookieScheme, o =>
        {
            o.AccessDeniedPath = "/access-denied";
            var validate = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                await validate(context);
                if (context.Principal is not null) await StaffPrincipalValidator.ValidateAsync(context);
            };
            // /dev answers APIs with 401, but the phone simulator is a page and sends people to sign in.
            var redirectToLogin = o.Events.OnRedirectToLogin;
            o.Events.OnRedirectToLogin = context =>
            {
                if (!context.Request.Path.StartsWithSegments(PhoneSimulator.PagePath)) return redirectToLogin(context);
                context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
}
