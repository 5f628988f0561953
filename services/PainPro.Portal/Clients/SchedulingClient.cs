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

    /// <summary>The most patients one look-up names (Scheduling's limit).</summary>
    public const int MaxLookup = 200;

    /// <summary>
    /// The patients behind a set of ids (the worklist's names), in one call per <see cref="MaxLookup"/> ids; Scheduling
    /// audits them as listed. Missing patients are simply absent: a row then shows the MRN's last four digits.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, PatientRecord>> FindPatientsAsync(IEnumerable<Guid> patientIds, CancellationToken ct = default)
    {
        var found = new Dictionary<Guid, PatientRecord>();
        foreach (var chunk in patientIds.Distinct().Chunk(MaxLookup))
            foreach (var patient in await PostAsync<IReadOnlyList<PatientRecord>>("api/patients/lookup", new { ids = chunk }, ct))
                found[patient.PatientId] = patient;
        return found;
    }

    /// <summary>Enrollments per procedure type and status (counted by Scheduling).</summary>
    public Task<IReadOnlyList<EnrollmentStatusCount>> EnrollmentCountsAsync(ReportFilter filter, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<EnrollmentStatusCount>>(
            Query("api/reports/enrollments", ("procedureType", filter.ProcedureType), ("from", filter.FromParameter), ("to", filter.ToParameter)), ct);

    /// <summary>Sent → reminded → answered per timepoint, for the dashboard's response funnel.</summary>
    public Task<IReadOnlyList<FunnelStage>> DeliveryFunnelAsync(ReportFilter filter, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<FunnelStage>>(
            Query("api/reports/delivery-funnel", ("procedureType", filter.ProcedureType), ("from", filter.FromParameter), ("to", filter.ToParameter)), ct);
}
