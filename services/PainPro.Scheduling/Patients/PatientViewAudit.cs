using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.Patients;

/// <param name="Name">The person (staff user name) or, without one, the integration client.</param>
/// <param name="Client">The API key's client name when the request came with one.</param>
public sealed record Viewer(string Name, string? Client);

/// <summary>Every view of a patient, kept in <c>patient_views</c> (DESIGN §8).</summary>
public static class PatientViewAudit
{
    public const string Search = "search";
    public const string View = "view";

    public static Task RecordAsync(DbSession session, IEnumerable<Guid> patientIds, string action, Viewer viewer)
    {
        var at = session.Clock.GetUtcNow();
        var rows = patientIds.Select(patientId => new
        {
            Id = Guid.CreateVersion7(), PatientId = patientId, Action = action, ViewedBy = viewer.Name, viewer.Client, At = at,
        }).ToList();
        return rows.Count == 0
            ? Task.CompletedTask
            : session.ExecuteAsync(
                "INSERT INTO patient_views (id, patient_id, action, viewed_by, client, viewed_at) VALUES (@Id, @PatientId, @Action, @ViewedBy, @Client, @At)",
                rows);
    }
}
