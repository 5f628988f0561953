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
        var outcomes = ingestion.OutcomeSummaryAsync(filter, ct);
        var trends = ingestion.TrendsAsync(filter, view.Period, ct);
        await Task.WhenAll(enrollments, funnel, outcomes, trends);
        return new DashboardReport(filter, await enrollments, await outcomes, new DashboardTrends(await trends, view.FunnelTimepoint), await funnel);
    }
}

/// <summary>How the dashboard lays its figures out: months or quarters, and the timepoint the funnel plots compare.</summary>
public sealed record DashboardView(string Period, string FunnelTimepoint)
{
    public static readonly DashboardView Default = new("month", Contracts.Timepoints.Month1);
}
