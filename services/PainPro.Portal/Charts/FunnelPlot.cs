using System.Globalization;

namespace PainPro.Portal.Charts;

/// <summary>One surgeon's or facility's share of patients with a ≥ 2-point reduction: <c>Events</c> of <c>N</c>.</summary>
public sealed record FunnelGroup(string Name, int N, int Events)
{
    public double Rate => N == 0 ? 0 : (double)Events / N;
}

/// <summary>Where a group falls against the funnel's limits.</summary>
public enum FunnelPosition { Within, AboveWarning, AboveAlarm, BelowWarning, BelowAlarm }

/// <summary>
/// A funnel plot (Spiegelhalter 2005): each group's rate against its number of patients, the overall rate as a line,
/// and the 95 % and 99.8 % control limits around it (<see cref="ControlLimits"/>), which narrow as n grows. A group
/// outside the 99.8 % funnel differs from the overall rate by more than chance would explain about once in 500 groups.
/// Points are numbered; the table beside the chart names them.
/// </summary>
public static class FunnelPlot
{
    /// <summary>
    /// Outside a funnel when the group's count is in the tail beyond it: P(X ≥ events) (or P(X ≤ events)) under the
    /// overall rate below 0.025 (95 %) or 0.001 (99.8 %). Judged on the exact tail rather than on the drawn limit, whose
    /// interpolation between counts can put 2 of 2 just above a limit that no count of 2 could exceed by chance alone.
    /// </summary>
    public static FunnelPosition Position(FunnelGroup group, double overall)
    {
        if (group.N == 0) return FunnelPosition.Within;
        var above = ControlLimits.UpperTail(group.N, overall, group.Events);
        var below = ControlLimits.LowerTail(group.N, overall, group.Events);
        var (warning, alarm) = ((1 - ControlLimits.Warning) / 2, (1 - ControlLimits.Alarm) / 2);
        return above < alarm ? FunnelPosition.AboveAlarm
            : above < warning ? FunnelPosition.AboveWarning
            : below < alarm ? FunnelPosition.BelowAlarm
            : below < warning ? FunnelPosition.BelowWarning
            : FunnelPosition.Within;
    }

    public static string Describe(FunnelPosition position) => position switch
    {
        FunnelPosition.AboveAlarm => "above the 99.8 % limit",
        FunnelPosition.AboveWarning => "above the 95 % limit",
        FunnelPosition.BelowAlarm => "below the 99.8 % limit",
        FunnelPosition.BelowWarning => "below the 95 % limit",
        _ => "within the limits",
    };

    public static string Render(string id, string title, IReadOnlyList<FunnelGroup> groups, double overall)
    {
        var shown = groups.Where(g => g.N > 0).ToList();
        var maxN = NiceCeiling(Math.Max(10, shown.Count == 0 ? 10 : shown.Max(g => g.N)));
        var canvas = new ChartCanvas(id, title, DescribeAll(shown, overall), height: 250, left: 56, bottom: 36);
        canvas.YAxis(0, 1, 0.25, ChartCanvas.Percent, "≥ 2-point reduction");
        double X(double n) => canvas.Left + canvas.PlotWidth * n / maxN;
        var step = Math.Max(1, TrendScale.NiceStep(maxN / 4.0));
        for (var n = 0.0; n <= maxN; n += step)
            canvas.Text(X(n), canvas.PlotBottom + 14, n.ToString("0", CultureInfo.InvariantCulture), size: 12);
        canvas.Text(canvas.Left + canvas.PlotWidth / 2, canvas.PlotBottom + 30, "patients (n)", size: 12, fill: ChartCanvas.Muted);

        var y = canvas.Y(overall, 0, 1);
        canvas.Line(X(0), y, X(maxN), y, ChartCanvas.Ink, 1.5);
        foreach (var (coverage, dash) in new[] { (ControlLimits.Warning, "5 3"), (ControlLimits.Alarm, "2 2") })
        {
            var lower = new List<(double, double)>();
            var upper = new List<(double, double)>();
            foreach (var n in Samples(maxN))
            {
                var (low, high) = ControlLimits.For(n, overall, coverage);
                lower.Add((X(n), canvas.Y(low, 0, 1)));
                upper.Add((X(n), canvas.Y(high, 0, 1)));
            }
            canvas.Polyline(lower, "#8a4b00", 1.2, dash);
            canvas.Polyline(upper, "#8a4b00", 1.2, dash);
        }

        for (var i = 0; i < shown.Count; i++)
        {
            var g = shown[i];
            var (px, py) = (X(g.N), canvas.Y(g.Rate, 0, 1));
            var outside = Position(g, overall) != FunnelPosition.Within;
            if (g.N < ChartCanvas.FewBelow) canvas.Circle(px, py, 4, "#ffffff", ChartCanvas.Few);
            else canvas.Circle(px, py, 4.5, outside ? "#a4161a" : "#0b5394");
            canvas.Text(px + 6, py - 5, (i + 1).ToString(CultureInfo.InvariantCulture), anchor: "start", size: 12,
                fill: g.N < ChartCanvas.FewBelow ? ChartCanvas.FewText : ChartCanvas.Ink, bold: outside);
        }
        return canvas.Close();
    }

    /// <summary>Every integer n up to 40 (the funnel bends most there), then about 80 steps.</summary>
    private static IEnumerable<int> Samples(int maxN)
    {
        for (var n = 1; n <= Math.Min(40, maxN); n++) yield return n;
        var step = Math.Max(1, (maxN - 40) / 80);
        for (var n = 40 + step; n <= maxN; n += step) yield return n;
    }

    private static int NiceCeiling(int n)
    {
        var magnitude = (int)Math.Pow(10, Math.Floor(Math.Log10(n)));
        foreach (var multiple in new[] { 1, 2, 2.5, 5, 10 })
            if (n <= magnitude * multiple) return (int)Math.Ceiling(magnitude * multiple);
        return n;
    }

    private static string DescribeAll(IReadOnlyList<FunnelGroup> groups, double overall) =>
        $"Overall {ChartCanvas.Percent(overall)}. " + string.Join("; ", groups.Select((g, i) =>
            $"{i + 1} {g.Name}: {g.Events} of {g.N}, {ChartCanvas.Percent(g.Rate)}, {Describe(Position(g, overall))}"
            + (g.N < ChartCanvas.FewBelow ? " (fewer than 10 patients)" : ""))) + ".";
}
