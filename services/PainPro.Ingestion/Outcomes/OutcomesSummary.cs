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
/// The outcomes summary of DESIGN §9, per timepoint (baseline first), from the monthly roll-up's counts
/// (<see cref="OutcomeRollup"/>). Pain answers are integers 0–10 and the roll-up counts each value, so the mean, the sample
/// SD and the median and quartiles (R type 7) follow exactly from the counts.
/// </summary>
/// <remarks>
/// Baseline VAS is the enrollment's baseline, clinic-entered or surveyed (one per enrollment). "Sent" counts surveys
/// Ingestion opened (one per <c>SurveyDue</c> first send); "answered" counts those with at least one answer.
/// <c>reductionShare</c> is the share of this timepoint's VAS answers, among patients with a baseline, that fell by at
/// least the response reduction (2 by default). The date range applies to the procedure time.
/// </remarks>
public sealed class OutcomesSummary(OutcomeRollup rollup, IOptionsMonitor<IngestionOptions> options)
{
    /// <param name="direct">Count from the tables rather than the roll-up (the same figures; for checking the roll-up).</param>
    public async Task<IReadOnlyList<TimepointSummary>> RunAsync(string? procedureType, DateRange range, CancellationToken ct = default,
        bool direct = false)
    {
        // Counted per month, procedure type and value by the monthly roll-up (OutcomeRollup); summed here.
        var counts = await rollup.ReadAsync(procedureType, range, options.CurrentValue.Alerts.ResponseReduction, direct, overallOnly: true, ct: ct);
        return From(counts);
    }

    /// <summary>The summary of counts read for it or for the trends (whose overall rows are the same rows).</summary>
    internal static IReadOnlyList<TimepointSummary> From(OutcomeCounts counts)
    {
        var overall = counts.Counts.Where(c => c.Dimension == OutcomeRollup.AllCut && !c.IsEnrollmentCount).ToLookup(c => c.Timepoint);
        var pain = counts.Pain.ToLookup(p => p.Timepoint);

        return Timepoints.All.Select(timepoint =>
        {
            var rows = overall[timepoint].ToList();
            // Pain answers are integers 0–10: counts per value give the exact order statistics, the mean and the SD.
            var histogram = new SortedDictionary<int, long>();
            foreach (var p in pain[timepoint]) histogram[p.Vas] = histogram.GetValueOrDefault(p.Vas) + p.N;
            var aggregate = new SurveyAggregate
            {
                Timepoint = timepoint,
                SurveysSent = rows.Sum(r => r.Sent),
                Answered = rows.Sum(r => r.Answered),
                VasN = histogram.Values.Sum(),
                VasSum = histogram.Count == 0 ? null : histogram.Sum(h => (long)h.Key * h.Value),
                VasSumOfSquares = histogram.Count == 0 ? null : histogram.Sum(h => (long)h.Key * h.Key * h.Value),
                Paired = rows.Sum(r => r.Paired),
                Reduced = rows.Sum(r => r.Reduced),
                MstsN = rows.Sum(r => r.MstsN),
                MstsSum = rows.Sum(r => r.MstsSum),
                Complete = rows.Sum(r => r.Complete),
                Partial = rows.Sum(r => r.Partial),
                Progression = rows.Sum(r => r.Progression),
                Indeterminate = rows.Sum(r => r.Indeterminate),
            };
            return Row(timepoint, aggregate, aggregate, histogram);
        }).ToList();
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
}
