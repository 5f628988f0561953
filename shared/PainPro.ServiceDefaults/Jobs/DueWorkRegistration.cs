using PainPro.ServiceDefaults.Clock;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>
/// One piece of due work of one service: the recurring job <c>{service}:{name}</c>, run by that service's Hangfire
/// workers (queue <c>{service}</c>) on <paramref name="Cron"/> (null: every <c>PainPro:DueWorkInterval</c>).
/// </summary>
public sealed record DueWorkRegistration(string Service, string Name, Type WorkType, string? Cron)
{
    public string JobId => $"{Service}:{Name}";

    /// <summary>The Hangfire queue: a service's jobs run only where that service runs.</summary>
    public string Queue => Service;
}

/// <summary>Every piece of due work this host runs, in registration order (the order a dev clock advance runs them in).</summary>
public sealed class DueWorkCatalog(IEnumerable<DueWorkRegistration> registrations)
{
    public IReadOnlyList<DueWorkRegistration> All { get; } = registrations.ToList();

    public DueWorkRegistration? Find(string jobId) => All.FirstOrDefault(r => r.JobId == jobId);

    /// <summary>Creates the work a registration names (a singleton of the container).</summary>
    public static IDueWork Resolve(IServiceProvider services, DueWorkRegistration registration) =>
        (IDueWork)(services.GetService(registration.WorkType)
            ?? throw new InvalidOperationException($"Due work {registration.WorkType.Name} is not registered in this host."));
}
