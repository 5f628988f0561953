using PainPro.Portal.Clients;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Shared;

/// <summary>What <c>_PastAlerts</c> shows: a patient's alerts, newest first (null when Ingestion could not be asked).</summary>
public sealed record PastAlertsView(IReadOnlyList<AlertView>? Alerts, DisplayTime Time, string Id, string Empty);
