using PainPro.ServiceDefaults.Clock;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>
/// One piece of due work of one service: the recurring job <c>{service}:{name}</c>, run by that service's Hangfire
/// workers (queue <c>{service}</c>) on <paramref name="Cron"/>, or when null at its <paramref name="Pace"/>.
/// </summary>
public sealed record DueWorkRegistration(string Service, string Name, Type WorkType, string? Cron, DueWorkPace Pace = DueWorkPace.Prompt)
{
    public string JobId => $"{Service}:{Name}";

    /// <summary>The Hangfire queue: a service's jobs run only where that service runs.</summary>
    public string Queue => Service;
}

/// <summary>How soon due work must follow the clock.</summary>
public enum DueWorkPace
{
    /// <summary>Every <c>PainPro:DueWorkInterval</c> (1 s): work a patient waits for — the claim, deferred sends.</summary>
    Prompt,

    /// <summary>
    /// Every <c>PainPro:SweepInterval</c> (15 s): work whose deadlines are minutes or hours away — expiry, escalation,
    /// the stalled-send sweep, care-team notices. Each run is a Hangfire job with its bookkeeping rows in every
    /// process's scheduler, so running these every second was most of the database's idle work.
    /// </summary>
    Sweep,
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
