namespace PainPro.Ingestion.Outcomes;

/// <summary>The descriptive statistics of the outcomes summary.</summary>
public static class Statistics
{
    /// <summary>
    /// The <paramref name="p"/> quantile of sorted values by linear interpolation between order statistics:
    /// R's type 7, Excel's QUARTILE.INC / PERCENTILE.INC.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("No values.", nameof(sorted));
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        var h = (sorted.Count - 1) * p;
        var lower = (int)Math.Floor(h);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
    }

    /// <summary>Sample standard deviation (n − 1) from the count, sum and sum of squares; null below two values.</summary>
    public static double? SampleStandardDeviation(long n, double sum, double sumOfSquares)
    {
        if (n < 2) return null;
        var variance = (sumOfSquares - sum * sum / n) / (n - 1);
        return Math.Sqrt(Math.Max(0, variance)); // rounding can leave a hair below zero when all values are equal
    }

    /// <summary>
    /// <see cref="Quantile"/> of values given as counts per value (ascending): the same R type 7 quantile, without
    /// listing every value. Null when there are none.
    /// </summary>
    public static double? QuantileOfCounts(IReadOnlyDictionary<int, long> countsByValue, double p)
    {
        var sorted = countsByValue.Where(c => c.Value > 0).OrderBy(c => c.Key).ToList();
        var n = sorted.Sum(c => c.Value);
        if (n == 0) return null;
        var h = (n - 1) * p;
        var lower = (long)Math.Floor(h);
        var upper = Math.Min(lower + 1, n - 1);
        return ValueAt(lower) + (h - lower) * (ValueAt(upper) - ValueAt(lower));

        double ValueAt(long rank)
        {
            long seen = 0;
            foreach (var (value, count) in sorted)
            {
                seen += count;
                if (rank < seen) return value;
            }
            return sorted[^1].Key;
        }
    }
}
