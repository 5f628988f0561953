using Hangfire;
using Hangfire.Dashboard;
using PainPro.Portal.Web;

namespace PainPro.Portal.Jobs;

/// <summary>
/// The Hangfire Dashboard at <c>/admin/jobs</c>, for administrators signed in to the Portal; everyone else is refused
/// (nurses and managers see the access-denied page, anonymous visitors the sign-in). Every service of a PostgreSQL
/// deployment keeps its jobs in one Hangfire schema, each in its own queue, so this one dashboard shows the recurring
/// jobs and imports of all of them; in AllInOne it shows the process's in-memory store.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/admin/jobs";

    // The dashboard's own script and stylesheet; its state cards colour themselves with inline styles.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void MapJobsDashboard(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use((context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            return next(context);
        }));
        app.MapHangfireDashboardWithAuthorizationPolicy(PortalPolicies.Admin, Path, new DashboardOptions
        {
            DashboardTitle = "PainPro jobs",
            AppPath = "/admin/accounts",
            // The storage's connection string carries the database password.
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());
    }
}
