namespace PainPro.Portal.Charts;

/// <summary>
/// Funnel-plot control limits for a proportion (Spiegelhalter 2005, as national joint registries draw surgeon outcome
/// funnels): around the overall proportion <c>p</c>, for a group of <c>n</c> patients, the exact binomial quantile
/// with the interpolation that makes the limits smooth in n:
/// r = the smallest count with F(r) ≥ P, α = (F(r) − P) / (F(r) − F(r − 1)), limit = (r − α) / n,
/// where F is the Binomial(n, p) distribution function and P is 0.025 / 0.975 (95 %) or 0.001 / 0.999 (99.8 %).
/// </summary>
public static class ControlLimits
{
    /// <summary>The two funnels registries draw: 95 % ("warning", about 2 SD) and 99.8 % ("alarm", about 3 SD).</summary>
    public const double Warning = 0.95;
    public const double Alarm = 0.998;

    public static (double Lower, double Upper) For(int n, double p, double coverage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (p is 0 or 1) return (p, p);
        var tail = (1 - coverage) / 2;
        var cdf = Cdf(n, p);
        return (Limit(cdf, n, tail), Limit(cdf, n, 1 - tail));
    }

    /// <summary>P(X ≥ <paramref name="events"/>) for X ~ Binomial(n, p): how surprising so many events would be by chance.</summary>
    public static double UpperTail(int n, double p, int events) =>
        events <= 0 ? 1 : p is 0 ? 0 : p is 1 ? 1 : 1 - Cdf(n, p)[Math.Min(events, n + 1) - 1];

    /// <summary>P(X ≤ <paramref name="events"/>) for X ~ Binomial(n, p).</summary>
    public static double LowerTail(int n, double p, int events) =>
        events >= n ? 1 : p is 0 ? 1 : p is 1 ? 0 : Cdf(n, p)[Math.Max(events, 0)];

    private static double Limit(double[] cdf, int n, double probability)
    {
        var r = 0;
        while (r < n && cdf[r] < probability) r++;
        var below = r == 0 ? 0 : cdf[r - 1];
        var step = cdf[r] - below;
        var alpha = step <= 0 ? 0 : (cdf[r] - probability) / step;
        return Math.Clamp((r - alpha) / n, 0, 1);
    }

    /// <summary>F(0) … F(n), from the probabilities in logs so that no term underflows before it is summed.</summary>
    private static double[] Cdf(int n, double p)
    {
        var logP = Math.Log(p);
        var logQ = Math.Log(1 - p);
        var cdf = new double[n + 1];
        var logPmf = n * logQ; // k = 0
        var sum = 0.0;
        for (var k = 0; k <= n; k++)
        {
            if (k > 0) logPmf += Math.Log(n - k + 1) - Math.Log(k) + logP - logQ;
            sum += Math.Exp(logPmf);
            cdf[k] = Math.Min(1, sum);
        }
        cdf[n] = 1;
        return cdf;
    }
}
