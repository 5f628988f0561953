using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Http;

namespace PainPro.Ingestion.Outcomes;

public sealed record VasSummary(long N, double? Mean, double? Sd, double? Median, double? Q1, double? Q3);

public sealed record MstsSummary(long N, double? Mean, double? MeanPercent);

public sealed record ConsensusCounts(long Complete, long Partial, long Progression, long Indeterminate);

/// <summary>One row of <c>GET /api/outcomes/summary</c>: one timepoint of the filtered cohort.</summary>
public sealed record TimepointSummary(
    string Timepoint,
    long SurveysSent,
    long Answered,
    double? ResponseRate,
    VasSummary Vas,
    double? ReductionShare,
    MstsSummary Msts,
    ConsensusCounts Consensus);

/// <summary>
/// The outcomes summary of DESIGN §9, per timepoint (baseline first). Filtering, counting, sums and sums of
/// squares are done by the database, in SQL both dialects run; the mean and sample SD follow from those sums.
/// Median and quartiles (R type 7) need order statistics, which SQLite lacks: pain answers are integers 0–10, so the
/// database counts each value and the quantiles are interpolated here from the counts, exactly.
/// </summary>
/// <remarks>
/// Baseline VAS is the enrollment's baseline, clinic-entered or surveyed (one per enrollment). "Sent" counts surveys
/// Ingestion opened (one per <c>SurveyDue</c> first send); "answered" counts those with at least one answer.
/// <c>reductionShare</c> is the share of this timepoint's VAS answers, among patients with a baseline, that fell by at
/// least the response reduction (2 by default). The date range applies to the procedure time.
/// </remarks>
public sealed class OutcomesSummary(IngestionDb db, IOptionsMonitor<IngestionOptions> options)
{
    public async Task<IReadOnlyList<TimepointSummary>> RunAsync(string? procedureType, DateRange range, CancellationToken ct = default)
    {
        var filter = new StringBuilder();
        if (procedureType is not null) filter.Append(" AND e.procedure_type = @procedureType");
        if (range.From is not null) filter.Append(" AND e.performed_at >= @from");
        if (range.Until is not null) filter.Append(" AND e.performed_at < @until");
        var parameters = new
        {
            procedureType,
            from = range.From,
            until = range.Until,
            reduction = options.CurrentValue.Alerts.ResponseReduction,
        };

        return await db.ReadAsync(async connection =>
        {
            var surveys = (await connection.QueryAsync<SurveyAggregate>($"""
                SELECT s.timepoint AS Timepoint,
                       COUNT(*) AS SurveysSent,
                       SUM(CASE WHEN EXISTS (SELECT 1 FROM responses r WHERE r.survey_id = s.id) THEN 1 ELSE 0 END) AS Answered,
                       COUNT(s.vas) AS VasN,
                       SUM(s.vas) AS VasSum,
                       SUM(s.vas * s.vas) AS VasSumOfSquares,
                       SUM(CASE WHEN s.vas IS NOT NULL AND e.baseline_vas IS NOT NULL THEN 1 ELSE 0 END) AS Paired,
                       SUM(CASE WHEN e.baseline_vas - s.vas >= @reduction THEN 1 ELSE 0 END) AS Reduced,
                       COUNT(s.msts_total) AS MstsN,
                       SUM(s.msts_total) AS MstsSum,
                       SUM(CASE WHEN s.consensus_class = 'complete' THEN 1 ELSE 0 END) AS Complete,
                       SUM(CASE WHEN s.consensus_class = 'partial' THEN 1 ELSE 0 END) AS Partial,
                       SUM(CASE WHEN s.consensus_class = 'progression' THEN 1 ELSE 0 END) AS Progression,
                       SUM(CASE WHEN s.consensus_class = 'indeterminate' THEN 1 ELSE 0 END) AS Indeterminate
                FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
                WHERE 1 = 1{filter}
                GROUP BY s.timepoint
                """, parameters)).ToDictionary(a => a.Timepoint);

            var baseline = await connection.QuerySingleAsync<SurveyAggregate>($"""
                SELECT 'baseline' AS Timepoint, COUNT(e.baseline_vas) AS VasN, SUM(e.baseline_vas) AS VasSum,
                       SUM(e.baseline_vas * e.baseline_vas) AS VasSumOfSquares
                FROM enrollments e WHERE 1 = 1{filter}
                """, parameters);

            // Pain answers are integers 0–10: counts per value give the exact order statistics without fetching every answer.
            var vasCounts = (await connection.QueryAsync<TimepointValue>($"""
                SELECT s.timepoint AS Timepoint, s.vas AS Value, COUNT(*) AS Count
                FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
                WHERE s.vas IS NOT NULL AND s.timepoint <> 'baseline'{filter}
                GROUP BY s.timepoint, s.vas
                UNION ALL
                SELECT 'baseline' AS Timepoint, e.baseline_vas AS Value, COUNT(*) AS Count
                FROM enrollments e WHERE e.baseline_vas IS NOT NULL{filter}
                GROUP BY e.baseline_vas
                """, parameters))
                .GroupBy(v => v.Timepoint)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<int, long>)g.ToDictionary(v => v.Value, v => v.Count));

            return (IReadOnlyList<TimepointSummary>)Timepoints.All.Select(timepoint =>
            {
                var sent = surveys.GetValueOrDefault(timepoint) ?? new SurveyAggregate { Timepoint = timepoint };
                var vas = timepoint == Timepoints.Baseline ? baseline : sent;
                return Row(timepoint, sent, vas, vasCounts.GetValueOrDefault(timepoint) ?? new Dictionary<int, long>());
            }).ToList();
        }, ct);
    }

    private static TimepointSummary Row(string timepoint, SurveyAggregate surveys, SurveyAggregate vas, IReadOnlyDictionary<int, long> vasCounts)
    {
        var n = vas.VasN;
        var vasSummary = new VasSummary(
            n,
            n == 0 ? null : Round((double)vas.VasSum!.Value / n),
            Round(Statistics.SampleStandardDeviation(n, vas.VasSum ?? 0, vas.VasSumOfSquares ?? 0)),
            Round(Statistics.QuantileOfCounts(vasCounts, 0.5)),
            Round(Statistics.QuantileOfCounts(vasCounts, 0.25)),
            Round(Statistics.QuantileOfCounts(vasCounts, 0.75)));
        var mstsMean = surveys.MstsN == 0 ? (double?)null : (double)surveys.MstsSum!.Value / surveys.MstsN;
        return new TimepointSummary(
            timepoint,
            surveys.SurveysSent,
            surveys.Answered ?? 0,
            surveys.SurveysSent == 0 ? null : Round((double)(surveys.Answered ?? 0) / surveys.SurveysSent, 4),
            vasSummary,
            timepoint == Timepoints.Baseline || (surveys.Paired ?? 0) == 0 ? null : Round((double)(surveys.Reduced ?? 0) / surveys.Paired!.Value, 4),
            new MstsSummary(surveys.MstsN, Round(mstsMean), Round(mstsMean / 30 * 100)),
            new ConsensusCounts(surveys.Complete ?? 0, surveys.Partial ?? 0, surveys.Progression ?? 0, surveys.Indeterminate ?? 0));
    }

    private static double? Round(double? value, int decimals = 2) =>
        value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero) : null;

    private sealed record SurveyAggregate
    {
        public string Timepoint { get; init; } = "";
        public long SurveysSent { get; init; }
        public long? Answered { get; init; }
        public long VasN { get; init; }
        public long? VasSum { get; init; }
        public long? VasSumOfSquares { get; init; }
        public long? Paired { get; init; }
        public long? Reduced { get; init; }
        public long MstsN { get; init; }
        public long? MstsSum { get; init; }
        public long? Complete { get; init; }
        public long? Partial { get; init; }
        public long? Progression { get; init; }
        public long? Indeterminate { get; init; }
    }

    private sealed record TimepointValue
    {
        public string Timepoint { get; init; } = "";
        public int Value { get; init; }
        public long Count { get; init; }
    }
}
