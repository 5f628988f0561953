using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using PainPro.Portal.Charts;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>
/// The funnel plot's control limits against an independent computation: the binomial distribution in exact integer
/// arithmetic (the overall proportion as the fraction it is, events over patients), the quantile found by comparing
/// exact sums, and Spiegelhalter's interpolation done on those exact sums.
/// </summary>
public sealed partial class FunnelPlotTests
{
    /// <summary>The (lower, upper) limit at two-sided <paramref name="coverage"/> for n patients around a / b, exactly.</summary>
    private static (double Lower, double Upper) ExactLimits(int n, int a, int b, double coverage)
    {
        // P as a fraction of 10^6 (0.025, 0.975, 0.001, 0.999 are exact there).
        const long Scale = 1_000_000;
        var tail = (long)Math.Round((1 - coverage) / 2 * Scale);
        var total = BigInteger.Pow(b, n);
        var pmf = new BigInteger[n + 1];
        for (var k = 0; k <= n; k++) pmf[k] = Binomial(n, k) * BigInteger.Pow(a, k) * BigInteger.Pow(b - a, n - k);
        double Limit(long probability)
        {
            var target = probability * total; // F(r) >= P  <=>  Scale * sum >= P * Scale * b^n
            BigInteger cumulative = 0;
            for (var r = 0; r <= n; r++)
            {
                cumulative += pmf[r];
                if (cumulative * Scale < target) continue;
                // alpha = (F(r) − P) / (F(r) − F(r − 1)) = (Scale·sum − P·b^n) / (Scale·pmf(r))
                var alpha = Ratio(cumulative * Scale - target, pmf[r] * Scale);
                return Math.Clamp((r - alpha) / n, 0, 1);
            }
            return 1;
        }
        return (Limit(tail), Limit(Scale - tail));
    }

    private static BigInteger Binomial(int n, int k)
    {
        BigInteger result = 1;
        for (var i = 1; i <= k; i++) result = result * (n - k + i) / i;
        return result;
    }

    private static double Ratio(BigInteger numerator, BigInteger denominator) =>
        numerator.IsZero ? 0 : Math.Exp(BigInteger.Log(numerator) - BigInteger.Log(denominator));

    public static TheoryData<int, int> Proportions => new() { { 37, 60 }, { 1, 2 }, { 9, 10 }, { 3, 40 }, { 71, 100 } };

    [Theory, MemberData(nameof(Proportions))]
    public void Limits_equal_the_exact_binomial_limits_for_every_n(int events, int patients)
    {
        var p = (double)events / patients;
        foreach (var n in Enumerable.Range(1, 60).Concat([75, 100, 150, 250, 400]))
            foreach (var coverage in new[] { ControlLimits.Warning, ControlLimits.Alarm })
            {
                var (lower, upper) = ControlLimits.For(n, p, coverage);
                var (exactLower, exactUpper) = ExactLimits(n, events, patients, coverage);
                Assert.True(Math.Abs(lower - exactLower) < 1e-9, $"n {n}, p {p}, {coverage}: lower {lower} vs exact {exactLower}");
                Assert.True(Math.Abs(upper - exactUpper) < 1e-9, $"n {n}, p {p}, {coverage}: upper {upper} vs exact {exactUpper}");
            }
    }

    [Fact]
    public void With_many_patients_the_limits_approach_the_normal_ones_and_the_99_8_funnel_is_wider()
    {
        const double p = 0.62;
        foreach (var n in new[] { 500, 2000 })
        {
            var se = Math.Sqrt(p * (1 - p) / n);
            var (warnLow, warnHigh) = ControlLimits.For(n, p, ControlLimits.Warning);
            var (alarmLow, alarmHigh) = ControlLimits.For(n, p, ControlLimits.Alarm);
            Assert.InRange(warnHigh, p + 1.959964 * se - 2.0 / n, p + 1.959964 * se + 2.0 / n);
            Assert.InRange(warnLow, p - 1.959964 * se - 2.0 / n, p - 1.959964 * se + 2.0 / n);
            Assert.InRange(alarmHigh, p + 3.090232 * se - 2.0 / n, p + 3.090232 * se + 2.0 / n);
            Assert.True(alarmLow < warnLow && warnHigh < alarmHigh);
        }
        Assert.Equal((0.0, 0.0), ControlLimits.For(10, 0, ControlLimits.Alarm));
        Assert.Equal((1.0, 1.0), ControlLimits.For(10, 1, ControlLimits.Alarm));
    }

    [Fact]
    public void A_group_is_placed_against_the_limits_of_its_own_n()
    {
        const double overall = 0.6;
        Assert.Equal(FunnelPosition.Within, FunnelPlot.Position(new FunnelGroup("small", 8, 2), overall)); // 25 % of 8: chance
        Assert.Equal(FunnelPosition.BelowAlarm, FunnelPlot.Position(new FunnelGroup("large", 200, 80), overall)); // 40 % of 200: not
        Assert.Equal(FunnelPosition.AboveWarning, FunnelPlot.Position(new FunnelGroup("good", 100, 71), overall));
        Assert.Equal(FunnelPosition.AboveAlarm, FunnelPlot.Position(new FunnelGroup("best", 100, 80), overall));
    }

    [Fact]
    public void The_plot_numbers_each_group_draws_both_funnels_and_greys_groups_under_ten()
    {
        var svg = FunnelPlot.Render("f", "Funnel", [new("Dr. Lee", 40, 30), new("Dr. Kim", 6, 1), new("Main", 120, 40)], 0.55);

        Assert.Equal(3, Regex.Matches(svg, "<circle").Count);
        Assert.Contains("stroke=\"#8a929c\"", svg); // the n = 6 group, grey and hollow
        Assert.Equal(4, Regex.Matches(svg, "<polyline").Count); // lower and upper, at 95 % and 99.8 %
        Assert.Contains("2 Dr. Kim: 1 of 6, 17 %, within the limits (fewer than 10 patients)", svg);
        Assert.Contains("3 Main: 40 of 120, 33 %, below the 99.8 % limit", svg);
    }

    [Fact]
    public void Dashboard_charts_keep_text_readable_on_a_390_pixel_phone()
    {
        string[] charts =
        [
            FunnelPlot.Render("f", "Funnel", [new("A", 40, 30)], 0.5),
            TrendChart.Render("t", "Trend", ["2026-01", "2026-02", "2026-03"], [new("Day 3", "#0b5394", [new(0.5, 20), new(0.6, 4), new(null, 0)])], TrendScale.Share("share")),
            StackedBars.Render("s", "Bars", ["Complete", "Partial"], [new("Day 3", [new("Complete", 3), new("Partial", 9)])], shares: true),
            PairedChart.Render("p", [new("Month 1", 12, 7, 6, 8, 4, 3, 5)]),
        ];
        foreach (var svg in charts)
        {
            // Drawn 360 units wide: on a 390-pixel phone (358 px of content) a unit is about a pixel.
            Assert.Contains("""viewBox="0 0 360 """, svg);
            var sizes = FontSize().Matches(svg).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.NotEmpty(sizes);
            Assert.All(sizes, size => Assert.True(size >= 10, $"font-size {size}"));
        }
        // n is printed under every period, the few-patient one in grey and said so.
        Assert.Contains("Day 3: Jan 2026 50 % (n 20); Feb 2026 60 % (n 4, fewer than 10); Mar 2026 no data.", charts[1]);
    }

    [Fact]
    public void A_long_range_makes_a_wider_chart_rather_than_smaller_text()
    {
        var periods = Enumerable.Range(0, 24).Select(i => new DateOnly(2025, 1, 1).AddMonths(i).ToString("yyyy-MM", CultureInfo.InvariantCulture)).ToList();
        var svg = TrendChart.Render("t", "Trend", periods, [new("x", "#000", [.. periods.Select(_ => new TrendPoint(0.5, 12))])], TrendScale.Share("share"));

        Assert.Contains("chart-wide", svg);
        Assert.Matches("""viewBox="0 0 (6[0-9][0-9]|[7-9][0-9][0-9]) """, svg);
    }

    [GeneratedRegex("""font-size="([0-9.]+)" """)]
    private static partial Regex FontSize();
}
