using Microsoft.Extensions.Caching.Memory;
using PainPro.Portal.Clients;

namespace PainPro.Portal.Worklist;

/// <summary>
/// The patients behind a page of the worklist, named in one call to Scheduling. Scheduling audits each look-up, and
/// the worklist refreshes itself every few seconds, so each staff member's look-ups are remembered for a few minutes:
/// the audit still shows who saw which patient, without a row per refresh. Per user, so one nurse's look-up never
/// hides another's view from the audit. A failed look-up leaves the names out (the rows show the MRN's last four).
/// </summary>
public sealed class WorklistPatients(SchedulingClient scheduling, IMemoryCache cache)
{
    public static readonly TimeSpan Remember = TimeSpan.FromMinutes(10);

    public async Task<IReadOnlyDictionary<Guid, PatientRecord>> FindAsync(string user, IEnumerable<Guid> patientIds, CancellationToken ct)
    {
        var found = new Dictionary<Guid, PatientRecord>();
        var missing = new List<Guid>();
        foreach (var id in patientIds.Distinct())
        {
            if (cache.TryGetValue((user, id), out PatientRecord? patient) && patient is not null) found[id] = patient;
            else missing.Add(id);
        }
        if (missing.Count == 0) return found;

        try
        {
            foreach (var (id, patient) in await scheduling.FindPatientsAsync(missing, ct))
            {
                cache.Set((user, id), patient, Remember);
                found[id] = patient;
            }
        }
        catch (ServiceApiException) { /* names degrade to the MRN's last four; the alerts still show */ }
        return found;
    }
}
