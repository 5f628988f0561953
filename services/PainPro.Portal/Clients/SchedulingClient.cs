using PainPro.Portal.Dashboard;

namespace PainPro.Portal.Clients;

/// <summary>Scheduling's API: patients, enrollments and their survey schedules.</summary>
public sealed class SchedulingClient(HttpClient http) : ServiceApiClient(http, "Scheduling")
{
    public Task<IReadOnlyList<PatientRecord>> SearchPatientsAsync(string query, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<PatientRecord>>(Query("api/patients", ("q", query)), ct);

    /// <summary>Scheduling audits this as a view of the patient by the signed-in user.</summary>
    public Task<PatientRecord?> FindPatientAsync(Guid patientId, CancellationToken ct = default) =>
        FindAsync<PatientRecord>($"api/patients/{patientId}", ct);

    /// <summary>Who viewed which patient (Scheduling's audit API), newest first.</summary>
    public Task<IReadOnlyList<Audit.AuditedPatientView>> PatientViewsAsync(Audit.AuditFilter filter, int limit, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<Audit.AuditedPatientView>>(Query("api/audit/patient-views", filter.Parameters(limit)), ct);

    public Task<EnrollmentDetail?> FindEnrollmentAsync(Guid enrollmentId, CancellationToken ct = default) =>
        FindAsync<EnrollmentDetail>($"api/enrollments/{enrollmentId}", ct);

    public Task<IReadOnlyList<EnrollmentListItem>> ListEnrollmentsAsync(ReportFilter filter, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<EnrollmentListItem>>(
            Query("api/enrollments", ("procedureType", filter.ProcedureType), ("from", filter.FromParameter), ("to", filter.ToParameter)), ct);

    /// <summary>
    /// The patients behind a set of ids (the worklist's names), looked up a few at a time. Missing patients
    /// and failed look-ups are simply absent: a row then shows the MRN's last four digits instead of a name.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, PatientRecord>> FindPatientsAsync(IEnumerable<Guid> patientIds, CancellationToken ct = default)
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<Guid, PatientRecord>();
        await Parallel.ForEachAsync(patientIds.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (id, token) =>
            {
                try
                {
                    if (await FindPatientAsync(id, token) is { } patient) found[id] = patient;
                }
                catch (ServiceApiException) { /* degrade to the MRN's last four */ }
            });
        return found;
    }
}
