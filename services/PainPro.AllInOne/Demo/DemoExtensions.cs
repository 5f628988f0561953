using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PainPro.ServiceDefaults;

namespace PainPro.AllInOne.Demo;

public static class DemoExtensions
{
    /// <summary>
    /// The demo: on the first start of an empty AllInOne (dev mode, simulated clock) a synthetic cohort is seeded in
    /// the background through the public APIs, and the demo accounts are printed. Call after <c>AddPortal</c>;
    /// <c>PainPro:Demo:Seed=false</c> turns it off.
    /// </summary>
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(DemoOptions.Section);
        builder.Services.AddHostedService<DemoSeeder>();
        return builder;
    }
}
