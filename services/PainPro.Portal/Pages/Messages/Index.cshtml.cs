using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Clients;
using PainPro.Portal.Web;
using PainPro.Portal.Worklist;

namespace PainPro.Portal.Pages.Messages;

/// <summary>
/// Messages from patients: every text a patient wrote that was neither an answer nor a keyword, newest first, so that
/// a person reads each one. Urgent ones (an urgency word) are marked; each links to its patient and its alert.
/// </summary>
public sealed class IndexModel(IngestionClient ingestion, WorklistPatients patients, DisplayTime time) : PortalPageModel
{
    public const int PageSize = 200;

    /// <summary><c>urgent</c>: only messages with an urgency word; <c>all</c>: "ok" and "thanks" too; default: messages.</summary>
    [BindProperty(SupportsGet = true)] public string? Show { get; set; }

    public IReadOnlyList<PatientMessage> Messages { get; private set; } = [];
    public IReadOnlyDictionary<Guid, PatientRecord> Patients { get; private set; } = new Dictionary<Guid, PatientRecord>();
    public DisplayTime Time => time;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Show is not (null or "" or "urgent" or "all"))
        {
            Show = null;
        }
        await TryLoadAsync(async () =>
        {
            Messages = await ingestion.ListPatientMessagesAsync(Show == "all" ? null : "message", Show == "urgent" ? true : null, PageSize, ct);
            // Scheduling audits each look-up; the worklist's per-user memory keeps it to one a patient every few minutes.
            Patients = await OptionalAsync(patients.FindAsync(CurrentUser, Messages.Where(m => m.PatientId is not null).Select(m => m.PatientId!.Value), ct))
                ?? new Dictionary<Guid, PatientRecord>();
        });
    }
}
