using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.Options;
using PainPro.Portal.Accounts;
using PainPro.Portal.ApiKeys;
using PainPro.Portal.Clients;
using PainPro.Portal.Dashboard;
using PainPro.Portal.Jobs;
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
        builder.AddValidatedOptions<PortalOptions, PortalOptionsValidator>(PortalOptions.Section);

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
        app.MapJobsDashboard();
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

    /// <summary>
    /// The staff sign-in cookie, configured here only: the Portal signs staff in. In AllInOne every service's staff
    /// endpoints accept it too (ServiceDefaults' staff policies take it wherever it is registered); a service deployed
    /// alone could not read it anyway (its own key ring) and accepts API keys only.
    /// </summary>
    private static void ConfigureSignIn(IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(PainProAuth.CookieScheme).AddCookie(PainProAuth.CookieScheme);
        builder.Services.PostConfigure<CookieAuthenticationOptions>(PainProAuth.CookieScheme, o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/access-denied";
            o.Cookie.Name = "painpro.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            // APIs answer 401/403; only pages redirect to sign-in.
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
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

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var path = ctx.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/fhir") || path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/dev"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
