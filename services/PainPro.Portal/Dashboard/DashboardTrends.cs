using PainPro.Contracts;
using PainPro.Portal.Charts;
using PainPro.Portal.Clients;

namespace PainPro.Portal.Dashboard;

/// <summary>One group of a breakdown (a facility, surgeon or procedure type) over the whole range.</summary>
public sealed record BreakdownRow(string Group, AlertTrendCell? Alerts, IReadOnlyDictionary<string, TrendCell> ByTimepoint)
{
    public int Enrollments => Alerts?.Enrollments ?? 0;
    public bool Few => Enrollments < ChartCanvas.FewBelow;
    public TrendCell? At(string timepoint) => ByTimepoint.GetValueOrDefault(timepoint);
}

/// <summary>
/// The quarterly review's views, read from Ingestion's trends (one request): the series of the trend charts, the
/// breakdowns by facility, surgeon and procedure type, the funnel plots, the stacked bars and the paired view. Every
/// number is Ingestion's; this only picks cells and lays them out.
/// </summary>
public sealed class DashboardTrends(OutcomeTrends trends, string funnelTimepoint)
{
    public const string Unknown = "(unknown)";

    public static IReadOnlyList<string> FollowUps { get; } = [Timepoints.Day3, Timepoints.Month1, Timepoints.Month3];

    public OutcomeTrends Source => trends;
    public IReadOnlyList<string> Periods => trends.Periods;
    public string FunnelTimepoint => funnelTimepoint;

    // Looked up by key: a long range by surgeon has thousands of cells.
    private readonly Dictionary<(string, string, string, string), TrendCell> outcomes =
        trends.Outcomes.DistinctBy(c => (c.Dimension, c.Group ?? "", c.Period ?? "", c.Timepoint))
            .ToDictionary(c => (c.Dimension, c.Group ?? "", c.Period ?? "", c.Timepoint));
    private readonly Dictionary<(string, string, string), AlertTrendCell> alerts =
        trends.Alerts.DistinctBy(c => (c.Dimension, c.Group ?? "", c.Period ?? "")).ToDictionary(c => (c.Dimension, c.Group ?? "", c.Period ?? ""));

    private TrendCell? Outcome(string dimension, string? group, string? period, string timepoint) =>
        outcomes.GetValueOrDefault((dimension, group ?? "", period ?? "", timepoint));

    private AlertTrendCell? Alerts(string dimension, string? group, string? period) =>
        alerts.GetValueOrDefault((dimension, group ?? "", period ?? ""));

    private IReadOnlyList<TrendPoint> Series<T>(Func<string, T?> cell, Func<T, decimal?> value, Func<T, int> n) where T : class =>
        [.. Periods.Select(p => cell(p) is { } c ? new TrendPoint((double?)value(c), n(c)) : new TrendPoint(null, 0))];

    public IReadOnlyList<TrendPoint> ResponseRate(string timepoint) =>
        Series(p => Outcome("all", null, p, timepoint), c => c.ResponseRate, c => c.Sent);

    public IReadOnlyList<TrendPoint> ReductionShare(string timepoint) =>
        Series(p => Outcome("all", null, p, timepoint), c => c.ReductionShare, c => c.Paired);

    public IReadOnlyList<TrendPoint> AlertsPer100 => Series(p => Alerts("all", null, p), c => c.AlertsPer100Enrollments, c => c.Enrollments);
    public IReadOnlyList<TrendPoint> MedianMinutes => Series(p => Alerts("all", null, p), c => c.MedianMinutesToAcknowledge, c => c.Acknowledged);
    public IReadOnlyList<TrendPoint> P90Minutes => Series(p => Alerts("all", null, p), c => c.P90MinutesToAcknowledge, c => c.Acknowledged);
    public IReadOnlyList<TrendPoint> WithinTarget => Series(p => Alerts("all", null, p), c => c.WithinTargetShare, c => c.Judged);

    public AlertTrendCell? AllAlerts => Alerts("all", null, null);

    /// <summary>Every group of <paramref name="dimension"/>, largest first; the unknown group last.</summary>
    public IReadOnlyList<BreakdownRow> Breakdown(string dimension) =>
    [
        .. trends.Alerts.Where(c => c.Dimension == dimension && c.Period is null && c.Group is not null)
            .Select(c => c.Group!)
            .Union(trends.Outcomes.Where(c => c.Dimension == dimension && c.Period is null && c.Group is not null).Select(c => c.Group!))
            .Select(g => new BreakdownRow(g, Alerts(dimension, g, null),
                Timepoints.All.Select(t => Outcome(dimension, g, null, t)).OfType<TrendCell>().ToDictionary(c => c.Timepoint)))
            .OrderBy(r => r.Group == Unknown).ThenByDescending(r => r.Enrollments).ThenBy(r => r.Group, StringComparer.OrdinalIgnoreCase),
    ];

    /// <summary>The overall rate of the funnel's timepoint: the line the funnel is drawn around.</summary>
    public double? FunnelOverall => (double?)Outcome("all", null, null, funnelTimepoint)?.ReductionShare;

    public IReadOnlyList<FunnelGroup> FunnelGroups(string dimension) =>
    [
        .. Breakdown(dimension).Select(r => r.At(funnelTimepoint) is { } c ? new FunnelGroup(r.Group, c.Paired, c.Reduced) : null)
            .OfType<FunnelGroup>().Where(g => g.N > 0),
    ];

    public IReadOnlyList<StackedBar> ConsensusBars =>
    [
        .. FollowUps.Select(t => Outcome("all", null, null, t) is { } c
            ? new StackedBar(TimepointNames.Label(t), [new("Complete", c.Consensus.Complete), new("Partial", c.Consensus.Partial),
                new("Progression", c.Consensus.Progression), new("Indeterminate", c.Consensus.Indeterminate)])
            : new StackedBar(TimepointNames.Label(t), [])),
    ];

    public static IReadOnlyList<string> ConsensusLegend { get; } = ["Complete", "Partial", "Progression", "Indeterminate"];

    /// <summary>The rules present in the range, most alerts first.</summary>
    public IReadOnlyList<string> Rules =>
    [
        .. (AllAlerts?.ByRule ?? new Dictionary<string, int>()).OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Key),
    ];

    public IReadOnlyList<StackedBar> RuleBars =>
    [
        .. Periods.Select(p => new StackedBar(TrendChart.PeriodName(p),
            [.. Rules.Select(rule => new BarSegment(AlertNames.Rule(rule), Alerts("all", null, p)?.ByRule.GetValueOrDefault(rule) ?? 0))])),
    ];

    public IReadOnlyList<PairedRow> Paired =>
    [
        .. trends.Paired.Select(p => new PairedRow(TimepointNames.Label(p.Timepoint), p.N,
            (double?)p.BaselineMedian, (double?)p.BaselineQ1, (double?)p.BaselineQ3, (double?)p.Median, (double?)p.Q1, (double?)p.Q3)),
    ];

    public static string GroupName(string group) => group == Unknown ? "Not recorded" : group;
}
