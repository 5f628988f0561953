using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Http;

namespace PainPro.Ingestion.Outcomes;

/// <summary>How the trends are cut: <c>all</c> (the whole filtered cohort) or by one enrollment attribute.</summary>
public static class TrendDimensions
{
    public const string All = "all";
    public const string Facility = "facility";
    public const string Surgeon = "surgeon";
    public const string ProcedureType = "procedureType";

    public static IReadOnlyList<string> Each { get; } = [All, Facility, Surgeon, ProcedureType];
}

/// <summary>
/// One timepoint of one group in one period (or, with <c>Period</c> null, over the whole range). <c>Paired</c>: answers
/// at this timepoint from patients with a baseline; <c>Reduced</c>: those whose pain fell by at least the response
/// reduction (2). Rates are null where their denominator is zero.
/// </summary>
public sealed record TrendCell(
    string Dimension,
    string? Group,
    string? Period,
    string Timepoint,
    long Sent,
    long Answered,
    double? ResponseRate,
    long Paired,
    long Reduced,
    double? ReductionShare,
    ConsensusCounts Consensus);

/// <summary>
/// Alerts of one group's enrollments in one period (or the whole range). Time to acknowledge runs from raising to the
/// first staff response (acknowledgement, or a resolution by staff without one); <c>WithinTargetShare</c> is the share
/// of alerts acknowledged within their severity's target among those whose target has passed or that were acknowledged.
/// </summary>
public sealed record AlertTrendCell(
    string Dimension,
    string? Group,
    string? Period,
    long Enrollments,
    long Alerts,
    double? AlertsPer100Enrollments,
    long Acknowledged,
    long WithinTarget,
    long Judged,
    double? WithinTargetShare,
    double? MedianMinutesToAcknowledge,
    double? P90MinutesToAcknowledge,
    IReadOnlyDictionary<string, long> ByRule);

/// <summary>
/// One follow-up timepoint of the paired view: only patients with both a baseline and an answer here, their baseline
/// and follow-up pain side by side (median and quartiles, R type 7), and the mean change (follow-up − baseline).
/// </summary>
public sealed record PairedTimepoint(
    string Timepoint,
    long N,
    double? BaselineMedian,
    double? BaselineQ1,
    double? BaselineQ3,
    double? Median,
    double? Q1,
    double? Q3,
    double? MeanChange);

/// <summary><c>GET /api/outcomes/trends</c>.</summary>
/// <param name="Periods">Every period from the first to the last with enrollments in the range, in order, empty ones between included.</param>
/// <param name="Summary">
/// What <c>GET /api/outcomes/summary</c> answers for the same filter, from the same counts: a dashboard asks once.
/// </param>
public sealed record OutcomeTrendsView(
    string Period,
    IReadOnlyList<string> Periods,
    int ResponseReduction,
    AcknowledgeTargetsView Targets,
    IReadOnlyList<TrendCell> Outcomes,
    IReadOnlyList<AlertTrendCell> Alerts,
    IReadOnlyList<PairedTimepoint> Paired,
    IReadOnlyList<TimepointSummary> Summary);

/// <summary>
/// The quarterly review's figures, by period of the procedure date (UTC months or quarters: each enrollment counts in
/// the period its procedure was in, as registries report cohorts), overall and by facility, surgeon and procedure type.
/// Surveys, enrollments and pain answers come counted per month, procedure type and facility or surgeon from the monthly
/// roll-up (<see cref="OutcomeRollup"/>); alerts are read one by one (time to acknowledge needs each one's minutes, and
/// whether an unacknowledged one is late depends on the time of asking). The periods, cuts and totals are rolled up here,
/// so one request answers the whole dashboard. Pain answers are integers 0–10, so the paired view's quantiles come
/// exactly from counts per value.
/// </summary>
public sealed class OutcomeTrends(IngestionDb db, OutcomeRollup rollup, IOptionsMonitor<IngestionOptions> options)
{
    public const string Month = "month";
    public const string Quarter = "quarter";

    /// <summary>The group of enrollments whose facility or surgeon is not recorded.</summary>
    public const string Unknown = AlertWorklist.Unknown;

    /// <param name="direct">Count from the tables rather than the roll-up (the same figures; for checking the roll-up).</param>
    /// <param name="groupsByPeriod">
    /// False: the facility, surgeon and procedure-type cells over the whole range only (the overall cells still by
    /// period) — what the dashboard draws, a fraction of the cells.
    /// </param>
    public async Task<OutcomeTrendsView> RunAsync(string? procedureType, DateRange range, string period, CancellationToken ct = default,
        bool direct = false, bool groupsByPeriod = true)
    {
        var alertOptions = options.CurrentValue.Alerts;
        var targets = AcknowledgeTargets.From(alertOptions);
        var filter = new StringBuilder();
        if (procedureType is not null) filter.Append(" AND e.procedure_type = @procedureType");
        if (range.From is not null) filter.Append(" AND e.performed_at >= @from");
        if (range.Until is not null) filter.Append(" AND e.performed_at < @until");
        var parameters = new { procedureType, from = range.From, until = range.Until };
        var month = db.Dialect.UtcMonth("e.performed_at");

        var now = db.Clock.GetUtcNow();
        // The counts and the alerts are independent reads: they overlap (on the thread pool, as Microsoft.Data.Sqlite runs
        // a query synchronously inside its async methods).
        var countsRead = Task.Run(() => rollup.ReadAsync(procedureType, range, alertOptions.ResponseReduction, direct, groupsByMonth: groupsByPeriod, ct: ct), ct);
        var alertsRead = Task.Run(() => db.ReadAsync(connection => connection.QueryAsync<AlertRow>($"""
            SELECT {month} AS Month, e.facility AS Facility, e.surgeon AS Surgeon, e.procedure_type AS ProcedureType,
                   a.rules AS Rules, a.severity AS Severity, a.raised_at AS RaisedAt, a.high_since AS HighSince,
                   COALESCE(a.acknowledged_at, CASE WHEN a.resolved_by <> '{AlertEvent.SystemActor}' THEN a.resolved_at END) AS AcknowledgedAt,
                   a.status AS Status
            FROM alerts a JOIN enrollments e ON e.id = a.enrollment_id
            WHERE 1 = 1{filter}
            """, parameters), ct), ct);
        await Task.WhenAll(countsRead, alertsRead);
        var counts = await countsRead;
        // Each alert's part in the figures, worked out once: every alert counts in up to eight cells.
        var alerts = (await alertsRead).Select(row => AlertFact.Of(row, targets, now)).ToList();
        // Each roll-up row once per cut it belongs to: the overall rows are also the procedure types' rows.
        var cuts = counts.Counts.SelectMany(CutsOf).ToList();
        var surveys = cuts.Where(c => !c.Count.IsEnrollmentCount).ToList();
        var enrollments = cuts.Where(c => c.Count.IsEnrollmentCount).ToList();

        // Tens of thousands of rows share a few dozen months: name each month's period once.
        var periodOfMonth = new Dictionary<string, string>(StringComparer.Ordinal);
        string PeriodOf(string m)
        {
            if (!periodOfMonth.TryGetValue(m, out var p)) periodOfMonth[m] = p = period == Quarter ? QuarterOf(m) : m;
            return p;
        }
        // Every month with enrollments has overall rows; without groupsByPeriod the groups' rows carry no month.
        var periods = Periods(period, counts.Counts.Where(c => c.Dimension == OutcomeRollup.AllCut).Select(c => c.Month), PeriodOf);
        var timepointOrder = Timepoints.All.ToList();
        // The groups of a facility, surgeon or procedure type by period only when asked (the CSV); the overall cut always.
        bool ByPeriod(string dimension) => groupsByPeriod || dimension == TrendDimensions.All;

        var outcomes = new List<TrendCell>();
        foreach (var dimension in TrendDimensions.Each)
            foreach (var byGroup in surveys.Where(c => c.Dimension == dimension).GroupBy(c => c.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
                foreach (var byPeriod in (ByPeriod(dimension)
                             ? byGroup.GroupBy(c => (string?)PeriodOf(c.Count.Month)).OrderBy(g => g.Key, StringComparer.Ordinal)
                             : Enumerable.Empty<IGrouping<string?, Cut>>())
                             .Append(new Grouping<string?, Cut>(null, byGroup)))
                    foreach (var cell in byPeriod.GroupBy(c => c.Count.Timepoint).OrderBy(g => timepointOrder.IndexOf(g.Key)))
                        outcomes.Add(Outcome(dimension, byGroup.Key, byPeriod.Key, cell.Key, cell.Select(c => c.Count)));

        var alertCells = new List<AlertTrendCell>();
        foreach (var dimension in TrendDimensions.Each)
        {
            var enrolled = enrollments.Where(c => c.Dimension == dimension).ToLookup(c => c.Group);
            var raised = alerts.ToLookup(a => GroupOf(dimension, a));
            foreach (var group in enrolled.Select(g => g.Key).Union(raised.Select(g => g.Key)).Order(StringComparer.Ordinal))
            {
                var groupEnrollments = enrolled[group].Select(c => c.Count).ToList();
                var groupAlerts = raised[group].ToList();
                if (ByPeriod(dimension))
                {
                    var enrolledIn = groupEnrollments.ToLookup(e => PeriodOf(e.Month));
                    var raisedIn = groupAlerts.ToLookup(a => PeriodOf(a.Month));
                    foreach (var p in enrolledIn.Select(g => g.Key).Union(raisedIn.Select(g => g.Key)).Order(StringComparer.Ordinal))
                        alertCells.Add(AlertCell(dimension, group, p, enrolledIn[p], raisedIn[p]));
                }
                alertCells.Add(AlertCell(dimension, group, null, groupEnrollments, groupAlerts));
            }
        }

        var pairs = counts.Pain.Where(p => p.Timepoint != Timepoints.Baseline && p.BaselineVas is not null)
            .Select(p => new PairRow { Timepoint = p.Timepoint, Baseline = p.BaselineVas!.Value, Vas = p.Vas, Count = p.N })
            .ToList();
        return new OutcomeTrendsView(period, periods, alertOptions.ResponseReduction, targets.View, outcomes, alertCells, Paired(pairs),
            OutcomesSummary.From(counts));
    }

    /// <summary>One roll-up row as it counts toward one group of one dimension of the trends.</summary>
    private sealed record Cut(string Dimension, string? Group, OutcomeCount Count);

    private static IEnumerable<Cut> CutsOf(OutcomeCount count) => count.Dimension switch
    {
        OutcomeRollup.AllCut => [new Cut(TrendDimensions.All, null, count), new Cut(TrendDimensions.ProcedureType, count.ProcedureType, count)],
        OutcomeRollup.FacilityCut => [new Cut(TrendDimensions.Facility, count.Group ?? Unknown, count)],
        OutcomeRollup.SurgeonCut => [new Cut(TrendDimensions.Surgeon, count.Group ?? Unknown, count)],
        _ => [],
    };

    private static string? GroupOf(string dimension, AlertFact row) => dimension switch
    {
        TrendDimensions.Facility => row.Facility ?? Unknown,
        TrendDimensions.Surgeon => row.Surgeon ?? Unknown,
        TrendDimensions.ProcedureType => row.ProcedureType ?? Unknown,
        _ => null,
    };

    private static TrendCell Outcome(string dimension, string? group, string? period, string timepoint, IEnumerable<OutcomeCount> rows)
    {
        long sent = 0, answered = 0, paired = 0, reduced = 0, complete = 0, partial = 0, progression = 0, indeterminate = 0;
        foreach (var r in rows)
        {
            sent += r.Sent; answered += r.Answered; paired += r.Paired; reduced += r.Reduced;
            complete += r.Complete; partial += r.Partial; progression += r.Progression; indeterminate += r.Indeterminate;
        }
        return new TrendCell(dimension, group, period, timepoint, sent, answered, Ratio(answered, sent, 4),
            timepoint == Timepoints.Baseline ? 0 : paired, timepoint == Timepoints.Baseline ? 0 : reduced,
            timepoint == Timepoints.Baseline ? null : Ratio(reduced, paired, 4),
            new ConsensusCounts(complete, partial, progression, indeterminate));
    }

    private static AlertTrendCell AlertCell(string dimension, string? group, string? period, IEnumerable<OutcomeCount> enrollments,
        IEnumerable<AlertFact> alerts)
    {
        var enrolled = enrollments.Sum(e => e.Enrollments);
        long count = 0, withinTarget = 0, judged = 0;
        var minutes = new List<double>();
        var byRule = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            count++;
            foreach (var rule in alert.Rules) byRule[rule] = byRule.GetValueOrDefault(rule) + 1;
            if (alert.Minutes is { } m) minutes.Add(m);
            if (alert.Judged) judged++;
            if (alert.WithinTarget) withinTarget++;
        }
        minutes.Sort();
        return new AlertTrendCell(dimension, group, period, enrolled, count,
            enrolled == 0 ? null : Math.Round(count * 100.0 / enrolled, 1, MidpointRounding.AwayFromZero),
            minutes.Count, withinTarget, judged, Ratio(withinTarget, judged, 4),
            minutes.Count == 0 ? null : Math.Round(Statistics.Quantile(minutes, 0.5), 1, MidpointRounding.AwayFromZero),
            minutes.Count == 0 ? null : Math.Round(Statistics.Quantile(minutes, 0.9), 1, MidpointRounding.AwayFromZero),
            byRule);
    }

    private static List<PairedTimepoint> Paired(IReadOnlyList<PairRow> pairs) =>
    [
        .. Timepoints.All.Where(t => t != Timepoints.Baseline).Select(timepoint =>
        {
            var rows = pairs.Where(p => p.Timepoint == timepoint).ToList();
            var n = rows.Sum(r => r.Count);
            if (n == 0) return new PairedTimepoint(timepoint, 0, null, null, null, null, null, null, null);
            var baseline = Histogram(rows.Select(r => (r.Baseline, r.Count)));
            var followUp = Histogram(rows.Select(r => (r.Vas, r.Count)));
            var change = rows.Sum(r => (double)(r.Vas - r.Baseline) * r.Count) / n;
            return new PairedTimepoint(timepoint, n,
                Statistics.QuantileOfCounts(baseline, 0.5), Statistics.QuantileOfCounts(baseline, 0.25), Statistics.QuantileOfCounts(baseline, 0.75),
                Statistics.QuantileOfCounts(followUp, 0.5), Statistics.QuantileOfCounts(followUp, 0.25), Statistics.QuantileOfCounts(followUp, 0.75),
                Math.Round(change, 2, MidpointRounding.AwayFromZero));
        }),
    ];

    private static SortedDictionary<int, long> Histogram(IEnumerable<(int Value, long Count)> counts)
    {
        var histogram = new SortedDictionary<int, long>();
        foreach (var (value, count) in counts) histogram[value] = histogram.GetValueOrDefault(value) + count;
        return histogram;
    }

    /// <summary>
    /// Every period from the first to the last month with enrollments within the range, the empty ones between included
    /// so gaps show as gaps. Empty months before the first or after the last carry nothing and would only stretch the
    /// charts: a range of 2000–2100 over two years of data draws two years, not 1,200 months.
    /// </summary>
    private static List<string> Periods(string period, IEnumerable<string> months, Func<string, string> periodOf)
    {
        // The months come from rows the range already filtered.
        var present = months.Distinct().Order(StringComparer.Ordinal).ToList();
        if (present.Count == 0) return [];
        var (first, last) = (present[0], present[^1]);
        var result = new List<string>();
        var cursor = DateOnly.ParseExact(first + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var end = DateOnly.ParseExact(last + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        // A range of decades would be unreadable anyway; keep the list bounded.
        for (var i = 0; cursor <= end && i < 1200; i++, cursor = cursor.AddMonths(1))
        {
            var p = periodOf(cursor.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            if (result.Count == 0 || result[^1] != p) result.Add(p);
        }
        return period == Month ? result : [.. result.Distinct()];
    }

    /// <summary><c>2026-05</c> → <c>2026-Q2</c>.</summary>
    public static string QuarterOf(string month) =>
        $"{month[..4]}-Q{(int.Parse(month.AsSpan(5, 2), CultureInfo.InvariantCulture) - 1) / 3 + 1}";

    private static double? Ratio(long part, long whole, int decimals) =>
        whole == 0 ? null : Math.Round((double)part / whole, decimals, MidpointRounding.AwayFromZero);

    private sealed record AlertRow
    {
        public string Month { get; init; } = "";
        public string? Facility { get; init; }
        public string? Surgeon { get; init; }
        public string? ProcedureType { get; init; }
        public string Rules { get; init; } = "";
        public string Severity { get; init; } = "";
        public DateTimeOffset RaisedAt { get; init; }
        public DateTimeOffset? HighSince { get; init; }
        public DateTimeOffset? AcknowledgedAt { get; init; }
        public string Status { get; init; } = "";
    }

    /// <summary>
    /// One alert's part in the figures: its minutes to acknowledge (acknowledged, or resolved by staff without it), and
    /// whether it is judged against its severity's target (acknowledged, or still waiting past it) and met it.
    /// </summary>
    private sealed record AlertFact(string Month, string? Facility, string? Surgeon, string? ProcedureType, string[] Rules,
        double? Minutes, bool Judged, bool WithinTarget)
    {
        public static AlertFact Of(AlertRow alert, AcknowledgeTargets targets, DateTimeOffset now)
        {
            var due = targets.DueAt(new AlertRecord { Severity = alert.Severity, RaisedAt = alert.RaisedAt, HighSince = alert.HighSince });
            var rules = alert.Rules.Split(',', StringSplitOptions.RemoveEmptyEntries);
            return alert.AcknowledgedAt is { } acknowledged
                ? new AlertFact(alert.Month, alert.Facility, alert.Surgeon, alert.ProcedureType, rules,
                    Math.Max(0, (acknowledged - alert.RaisedAt).TotalMinutes), Judged: true, WithinTarget: acknowledged <= due)
                // Still waiting, and already late unless resolved.
                : new AlertFact(alert.Month, alert.Facility, alert.Surgeon, alert.ProcedureType, rules,
                    null, Judged: alert.Status != AlertStatuses.Resolved && due < now, WithinTarget: false);
        }
    }

    private sealed record PairRow
    {
        public string Timepoint { get; init; } = "";
        public int Baseline { get; init; }
        public int Vas { get; init; }
        public long Count { get; init; }
    }

    private sealed class Grouping<TKey, T>(TKey key, IEnumerable<T> items) : IGrouping<TKey, T>
    {
        public TKey Key { get; } = key;
        public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
