using PainPro.Contracts;
using PainPro.Portal.Charts;
using PainPro.Portal.Clients;

namespace PainPro.Portal.Dashboard;

/// <summary>Enrollments of one procedure type (or all) by status, for the enrollment table.</summary>
public sealed record EnrollmentCount(string ProcedureType, int Total, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>
/// What a service-line manager asks of one procedure type and date range, assembled from Scheduling (enrollment
/// counts, the response funnel) and Ingestion (outcomes, trends, alerts). Figures are the services' own: alerts per 100
/// enrollments is Ingestion's, over the enrollments it knows (every registered one, from <c>EnrollmentCreated</c>).
/// </summary>
public sealed class DashboardReport(
    ReportFilter filter,
    IReadOnlyList<EnrollmentStatusCount> enrollments,
    IReadOnlyList<OutcomeSummaryRow> outcomes,
    DashboardTrends trends,
    IReadOnlyList<FunnelStage> funnel)
{
    public ReportFilter Filter { get; } = filter;
    public IReadOnlyList<OutcomeSummaryRow> Outcomes { get; } = outcomes;
    public DashboardTrends Trends { get; } = trends;
    public IReadOnlyList<FunnelStage> Funnel { get; } = funnel;

    /// <summary>Alert volume, time to acknowledge and rules over the whole range (Ingestion's trends, all groups).</summary>
    public AlertTrendCell Alerts { get; } = trends.AllAlerts ?? new AlertTrendCell();

    public int EnrollmentTotal => enrollments.Sum(e => e.Count);

    public IReadOnlyList<string> Statuses { get; } = [.. enrollments.Select(e => e.Status).Distinct().Order(StringComparer.Ordinal)];

    public IReadOnlyList<EnrollmentCount> EnrollmentsByProcedure { get; } =
    [
        .. enrollments.GroupBy(e => e.ProcedureType)
            .Select(g => new EnrollmentCount(g.Key, g.Sum(e => e.Count), g.GroupBy(e => e.Status).ToDictionary(s => s.Key, s => s.Sum(e => e.Count))))
            .OrderByDescending(c => c.Total).ThenBy(c => c.ProcedureType, StringComparer.Ordinal),
    ];

    public decimal? AlertsPer100Enrollments => Alerts.AlertsPer100Enrollments;

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
            ["enrollments", "alerts", "alertsPer100Enrollments", "medianMinutesToAcknowledge", "p90MinutesToAcknowledge", "acknowledgedWithinTargetShare"],
            [[CsvTable.Cell(Alerts.Enrollments), CsvTable.Cell(Alerts.Alerts), CsvTable.Cell(AlertsPer100Enrollments),
              CsvTable.Cell(Alerts.MedianMinutesToAcknowledge), CsvTable.Cell(Alerts.P90MinutesToAcknowledge), CsvTable.Cell(Alerts.WithinTargetShare)]]),
        new("alerts-by-rule", "Alerts by rule",
            ["rule", "alerts"],
            [.. Alerts.ByRule.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => (IReadOnlyList<string>)[r.Key, CsvTable.Cell(r.Value)])]),
        new("trends", "Trends by period, overall and by facility, surgeon and procedure type",
            ["dimension", "group", "period", "timepoint", "sent", "answered", "responseRate", "paired", "reduced", "reductionShare",
             "consensusComplete", "consensusPartial", "consensusProgression", "consensusIndeterminate"],
            [.. Trends.Source.Outcomes.Select(c => (IReadOnlyList<string>)
            [
                c.Dimension, c.Group ?? "", c.Period ?? "all", c.Timepoint, CsvTable.Cell(c.Sent), CsvTable.Cell(c.Answered),
                CsvTable.Cell(c.ResponseRate), CsvTable.Cell(c.Paired), CsvTable.Cell(c.Reduced), CsvTable.Cell(c.ReductionShare),
                CsvTable.Cell(c.Consensus.Complete), CsvTable.Cell(c.Consensus.Partial), CsvTable.Cell(c.Consensus.Progression),
                CsvTable.Cell(c.Consensus.Indeterminate),
            ])]),
        new("alert-trends", "Alerts by period, overall and by facility, surgeon and procedure type",
            ["dimension", "group", "period", "enrollments", "alerts", "alertsPer100Enrollments", "acknowledged", "medianMinutesToAcknowledge",
             "p90MinutesToAcknowledge", "acknowledgedWithinTarget", "judgedAgainstTarget", "withinTargetShare"],
            [.. Trends.Source.Alerts.Select(c => (IReadOnlyList<string>)
            [
                c.Dimension, c.Group ?? "", c.Period ?? "all", CsvTable.Cell(c.Enrollments), CsvTable.Cell(c.Alerts),
                CsvTable.Cell(c.AlertsPer100Enrollments), CsvTable.Cell(c.Acknowledged), CsvTable.Cell(c.MedianMinutesToAcknowledge),
                CsvTable.Cell(c.P90MinutesToAcknowledge), CsvTable.Cell(c.WithinTarget), CsvTable.Cell(c.Judged), CsvTable.Cell(c.WithinTargetShare),
            ])]),
        new("response-funnel", "Response funnel: due, sent, reminded, answered",
            ["timepoint", "due", "sent", "reminded", "answered", "answeredAfterReminder"],
            [.. Funnel.Select(f => (IReadOnlyList<string>)
                [f.Timepoint, CsvTable.Cell(f.Due), CsvTable.Cell(f.Sent), CsvTable.Cell(f.Reminded), CsvTable.Cell(f.Answered), CsvTable.Cell(f.AnsweredAfterReminder)])]),
    ];
}
