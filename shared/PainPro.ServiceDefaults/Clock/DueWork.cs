namespace PainPro.ServiceDefaults.Clock;

/// <summary>
/// Work that becomes due as time passes (claiming due surveys, expiring windows, escalating alerts, purging).
/// The database is the schedule; Hangfire is the clock: each registered piece of due work is one recurring job
/// (<see cref="Jobs.JobsExtensions.AddDueWork{TWork}"/>) that calls <see cref="RunDueAsync"/> until it reports
/// nothing left.
/// </summary>
public interface IDueWork
{
    /// <summary>What the work does, for people: the Hangfire Dashboard and the logs show it.</summary>
    string Name { get; }

    /// <summary>Does everything due at the clock's now (one batch is fine); returns how many items it handled.</summary>
    Task<int> RunDueAsync(CancellationToken ct);
}
