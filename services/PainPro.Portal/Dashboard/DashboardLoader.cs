using PainPro.Portal.Clients;

namespace PainPro.Portal.Dashboard;

/// <summary>Asks Scheduling and Ingestion the dashboard's three questions at once.</summary>
public sealed class DashboardLoader(SchedulingClient scheduling, IngestionClient ingestion)
{
    public async Task<DashboardReport> LoadAsync(ReportFilter filter, CancellationToken ct)
    {
        var enrollments = scheduling.ListEnrollmentsAsync(filter, ct);
        var outcomes = ingestion.OutcomeSummaryAsync(filter, ct);
        var alerts = ingestion.AlertStatisticsAsync(filter, ct);
        await Task.WhenAll(enrollments, outcomes, alerts);
        return new DashboardReport(filter, await enrollments, await outcomes, await alerts);
    }
}
