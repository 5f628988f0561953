using PainPro.Portal.Clients;

namespace PainPro.Portal.Dashboard;

/// <summary>
/// Asks Scheduling and Ingestion the dashboard's questions at once: enrollment counts and the response funnel
/// (Scheduling: it registers and sends), the outcomes summary and the trends (Ingestion: it holds answers and alerts).
/// Every answer is an aggregate; no list of patients or enrollments crosses to the Portal.
/// </summary>
public sealed class DashboardLoader(SchedulingClient scheduling, IngestionClient ingestion)
{
    public async Task<DashboardReport> LoadAsync(ReportFilter filter, CancellationToken ct) =>
        await LoadAsync(filter, DashboardView.Default, ct);

    public async Task<DashboardReport> LoadAsync(ReportFilter filter, DashboardView view, CancellationToken ct)
    {
        var enrollments = scheduling.EnrollmentCountsAsync(filter, ct);
        var funnel = scheduling.DeliveryFunnelAsync(filter, ct);
        var trends = ingestion.TrendsAsync(filter, view.Period, view.GroupsByPeriod, ct);
        await Task.WhenAll(enrollments, funnel, trends);
        // The trends carry the summary (one pass over the counts for both); an older Ingestion's do not.
        var outcomes = (await trends).Summary ?? await ingestion.OutcomeSummaryAsync(filter, ct);
        return new DashboardReport(filter, await enrollments, outcomes, new DashboardTrends(await trends, view.FunnelTimepoint), await funnel);
    }
}

/// <summary>How the dashboard lays its figures out: months or quarters, and the timepoint the funnel plots compare.</summary>
/// <param name="GroupsByPeriod">
/// Whether facilities, surgeons and procedure types are wanted period by period (the trends CSV) or over the whole range
/// only (the page draws no more, and they are most of the trends' cells).
/// </param>
public sealed record DashboardView(string Period, string FunnelTimepoint, bool GroupsByPeriod = false)
{
    public static readonly DashboardView Default = new("month", Contracts.Timepoints.Month1);
}
