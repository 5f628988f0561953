using PainPro.Portal.Clients;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Shared;

/// <summary>What <c>_PatientMessages</c> shows: an enrollment's messages (null when Ingestion could not be asked).</summary>
public sealed record PatientMessagesView(IReadOnlyList<PatientMessage>? Messages, DisplayTime Time, string Id);
