using PainPro.Contracts;
using PainPro.Portal.Charts;
using PainPro.Portal.Clients;

namespace PainPro.Portal.Dashboard;

/// <summary>Enrollments of one procedure type (or all) by status, for the enrollment table.</summary>
public sealed record EnrollmentCount(string ProcedureType, int Total, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>
/// What a service-line manager asks of one procedure type and date range, assembled from Scheduling
/// (enrollments) and Ingestion (outcomes, alerts). Figures are the services' own; the Portal only adds the
/// ratio that needs both (alerts per 100 enrollments).
/// </summary>
public sealed class DashboardReport(
    ReportFilter filter,
    IReadOnlyList<EnrollmentListItem> enrollments,
    IReadOnlyList<OutcomeSummaryRow> outcomes,
    AlertStatistics alerts)
{
    public ReportFilter Filter { get; } = filter;
    public IReadOnlyList<OutcomeSummaryRow> Outcomes { get; } = outcomes;
    public AlertStatistics Alerts { get; } = alerts;

    public int EnrollmentTotal => enrollments.Count;

    public IReadOnlyList<string> Statuses { get; } = [.. enrollments.Select(e => e.Status).Distinct().Order(StringComparer.Ordinal)];

    public IReadOnlyList<EnrollmentCount> EnrollmentsByProcedure { get; } =
    [
        .. enrollments.GroupBy(e => e.ProcedureType)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new EnrollmentCount(g.Key, g.Count(),
                g.GroupBy(e => e.Status).ToDictionary(s => s.Key, s => s.Count()))),
    ];

    /// <summary>Null with no enrollments: a rate of nothing is not zero.</summary>
    public decimal? AlertsPer100Enrollments =>
        EnrollmentTotal == 0 ? null : Math.Round(Alerts.Alerts * 100m / EnrollmentTotal, 1, MidpointRounding.AwayFromZero);

    public OutcomeSummaryRow? Row(string timepoint) => Outcomes.FirstOrDefault(r => r.Timepoint == timepoint);

    /// <summary>The four timepoints of the trajectory chart, in protocol order, whether or not the service sent them.</summary>
    public IReadOnlyList<VasTrajectoryPoint> Trajectory =>
    [
        .. Timepoints.All.Select(t => Row(t) is { } row
            ? new VasTrajectoryPoint(TimepointNames.Label(t), row.Vas.N, row.Vas.Median, row.Vas.Q1, row.Vas.Q3)
            : new VasTrajectoryPoint(TimepointNames.Label(t), 0, null, null, null)),
    ];

    /// <summary>Every table of the dashboard, as exported to CSV. Numbers are written exactly as the services gave them.</summary>
    public IReadOnlyList<CsvTable> Tables =>
    [
        new("enrollments", "Enrollments by procedure type",
            ["procedureType", "enrollments", .. Statuses],
            [.. EnrollmentsByProcedure.Select(c => (IReadOnlyList<string>)
                [c.ProcedureType, CsvTable.Cell(c.Total), .. Statuses.Select(s => CsvTable.Cell(c.ByStatus.GetValueOrDefault(s)))])]),
        new("outcomes", "Outcomes by timepoint",
            ["timepoint", "surveysSent", "answered", "responseRate", "vasN", "vasMean", "vasSd", "vasMedian", "vasQ1", "vasQ3",
             "reductionShare", "mstsN", "mstsMean", "mstsMeanPercent", "consensusComplete", "consensusPartial", "consensusProgression", "consensusIndeterminate"],
            [.. Outcomes.Select(r => (IReadOnlyList<string>)
            [
                r.Timepoint, CsvTable.Cell(r.SurveysSent), CsvTable.Cell(r.Answered), CsvTable.Cell(r.ResponseRate),
                CsvTable.Cell(r.Vas.N), CsvTable.Cell(r.Vas.Mean), CsvTable.Cell(r.Vas.Sd), CsvTable.Cell(r.Vas.Median),
                CsvTable.Cell(r.Vas.Q1), CsvTable.Cell(r.Vas.Q3), CsvTable.Cell(r.ReductionShare),
                CsvTable.Cell(r.Msts.N), CsvTable.Cell(r.Msts.Mean), CsvTable.Cell(r.Msts.MeanPercent),
                CsvTable.Cell(r.Consensus.Complete), CsvTable.Cell(r.Consensus.Partial),
                CsvTable.Cell(r.Consensus.Progression), CsvTable.Cell(r.Consensus.Indeterminate),
            ])]),
        new("alerts", "Alert volume and response",
            ["enrollments", "alerts", "alertsPer100Enrollments", "medianMinutesToAcknowledge"],
            [[CsvTable.Cell(EnrollmentTotal), CsvTable.Cell(Alerts.Alerts), CsvTable.Cell(AlertsPer100Enrollments), CsvTable.Cell(Alerts.MedianMinutesToAcknowledge)]]),
        new("alerts-by-rule", "Alerts by rule",
            ["rule", "alerts"],
            [.. Alerts.ByRule.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => (IReadOnlyList<string>)[r.Key, CsvTable.Cell(r.Value)])]),
    ];
}
