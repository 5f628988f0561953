namespace PainPro.Benchmarks.Harness;

/// <summary>Latency percentiles of one measurement, in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Nearest-rank percentiles over every recorded sample (no histogram buckets, no interpolation).</summary>
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.ToArray();
        if (sorted.Length == 0) return Empty;
        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1]);
    }

    /// <summary>The smallest sample with at least <paramref name="percent"/> % of the samples at or below it.</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

/// <summary>Collects latency samples from many concurrent callers.</summary>
public sealed class LatencyRecorder
{
    private readonly Lock gate = new();
    private readonly List<double> samples;

    public LatencyRecorder(int expected = 1024) => samples = new List<double>(expected);

    public int Count
    {
        get { lock (gate) return samples.Count; }
    }

    public void Record(TimeSpan latency)
    {
        lock (gate) samples.Add(latency.TotalMilliseconds);
    }

    public LatencySummary Summarize()
    {
        lock (gate) return LatencySummary.Of(samples);
    }
}
