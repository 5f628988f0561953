using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Clients;
using PainPro.Portal.Patients;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Patients;

/// <summary>
/// A patient's record: every enrollment with its survey schedule (Scheduling), its answers and the messages the patient
/// wrote that were not answers (Ingestion).
/// </summary>
public sealed class DetailModel(SchedulingClient scheduling, IngestionClient ingestion, DisplayTime time) : PortalPageModel
{
    public sealed record EnrollmentView(PatientEnrollment Summary, EnrollmentDetail? Detail, PatientTimeline Timeline,
        IReadOnlyList<PatientMessage>? Messages);

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public PatientRecord? Patient { get; private set; }
    public IReadOnlyList<EnrollmentView> Enrollments { get; private set; } = [];
    public DisplayTime Time => time;

    /// <summary>The patient's alerts across enrollments, newest first (null when Ingestion could not list them).</summary>
    public IReadOnlyList<AlertView>? Alerts { get; private set; }

    /// <summary>How to reach the patient; the latest enrollment's zone stands in when the patient has none.</summary>
    public PatientContact? Contact => Patient is null ? null
        : new PatientContact(Patient, Enrollments.Select(e => e.Detail?.TimeZone).FirstOrDefault(z => z is not null), time.Now);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var found = true;
        await TryLoadAsync(async () =>
        {
            // Scheduling audits this read as a view of the patient by the signed-in user.
            Patient = await scheduling.FindPatientAsync(Id, ct);
            if (Patient is null) { found = false; return; }
            var alerts = OptionalAsync(ingestion.ListPatientAlertsAsync(Id, ct));
            Enrollments = await Task.WhenAll(Patient.Enrollments
                .OrderByDescending(e => e.PerformedAt)
                .Select(async e =>
                {
                    var detail = OptionalAsync(scheduling.FindEnrollmentAsync(e.EnrollmentId, ct));
                    var responses = OptionalAsync(ingestion.ListResponsesAsync(e.EnrollmentId, ct));
                    var messages = OptionalAsync(ingestion.ListEnrollmentMessagesAsync(e.EnrollmentId, ct));
                    return new EnrollmentView(e, await detail, PatientTimeline.Build(await detail, await responses ?? []), await messages);
                }));
            Alerts = await alerts;
        });
        return found ? Page() : NotFound();
    }
}
