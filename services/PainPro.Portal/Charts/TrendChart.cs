using System.Globalization;

namespace PainPro.Portal.Charts;

/// <summary>One period's value and the number of patients (or alerts) it rests on; no value where n is zero.</summary>
public sealed record TrendPoint(double? Value, int N);

public sealed record TrendSeries(string Name, string Color, IReadOnlyList<TrendPoint> Points, bool Dashed = false);

/// <summary>The value axis: range, gridline step, how a value reads, and its title.</summary>
public sealed record TrendScale(double Min, double Max, double Step, Func<double, string> Format, string Title)
{
    public static TrendScale Share(string title) => new(0, 1, 0.25, ChartCanvas.Percent, title);

    /// <summary>From zero to a round number above the largest value.</summary>
    public static TrendScale UpTo(double largest, Func<double, string> format, string title)
    {
        var step = NiceStep(Math.Max(largest, 1) / 4);
        return new TrendScale(0, step * Math.Max(1, Math.Ceiling(Math.Max(largest, 1) / step)), step, format, title);
    }

    internal static double NiceStep(double raw)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / magnitude;
        return magnitude * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10);
    }
}

/// <summary>
/// A trend over months or quarters: one line per series, a point per period, and under every period the n it rests
/// on. Points resting on fewer than 10 are grey and hollow and their n reads "n 7 (few)", so a subgroup's noise is not
/// mistaken for a change. Periods with nothing leave a gap. Each period has a slot of at least 26 units, so a long
/// range makes a wider chart that scrolls sideways rather than text too small to read.
/// </summary>
public static class TrendChart
{
    private const double MinSlot = 30;

    public static string Render(string id, string title, IReadOnlyList<string> periods, IReadOnlyList<TrendSeries> series, TrendScale scale)
    {
        var width = Math.Max(ChartCanvas.PhoneWidth, 58 + MinSlot * periods.Count);
        var canvas = new ChartCanvas(id, title, Describe(periods, series, scale), height: 210, left: 46, bottom: 54, width: width);
        canvas.YAxis(scale.Min, scale.Max, scale.Step, scale.Format);
        var n = series.Count == 0 ? [] : series[0].Points;

        for (var i = 0; i < periods.Count; i++)
        {
            var x = canvas.Slot(i, periods.Count);
            var (label, year) = Label(periods[i], i == 0);
            canvas.Text(x, canvas.PlotBottom + 14, label, size: 12);
            if (year is not null) canvas.Text(x, canvas.PlotBottom + 27, year, size: 11, fill: ChartCanvas.Muted);
            var count = i < n.Count ? n[i].N : 0;
            var few = count < ChartCanvas.FewBelow;
            canvas.Text(x, canvas.PlotBottom + 42, count.ToString(CultureInfo.InvariantCulture), size: 12, fill: few ? ChartCanvas.FewText : ChartCanvas.Ink);
        }
        canvas.Text(canvas.Left - 5, canvas.PlotBottom + 42, "n", anchor: "end", size: 12, fill: ChartCanvas.Muted);

        foreach (var s in series)
        {
            // A line joins consecutive periods that both have a value; a gap stays a gap.
            var run = new List<(double, double)>();
            for (var i = 0; i <= periods.Count; i++)
            {
                var point = i < periods.Count && i < s.Points.Count ? s.Points[i] : null;
                if (point?.Value is { } v && point.N > 0) { run.Add((canvas.Slot(i, periods.Count), canvas.Y(v, scale.Min, scale.Max))); continue; }
                canvas.Polyline(run, s.Color, 2, s.Dashed ? "5 3" : null);
                run = [];
            }
            for (var i = 0; i < periods.Count && i < s.Points.Count; i++)
            {
                if (s.Points[i] is not { Value: { } v, N: > 0 } p) continue;
                var (x, y) = (canvas.Slot(i, periods.Count), canvas.Y(v, scale.Min, scale.Max));
                if (p.N < ChartCanvas.FewBelow) canvas.Circle(x, y, 3.5, "#ffffff", ChartCanvas.Few);
                else canvas.Circle(x, y, 3.5, s.Color);
            }
        }
        return canvas.Close();
    }

    /// <summary>Every number of the chart in words.</summary>
    public static string Describe(IReadOnlyList<string> periods, IReadOnlyList<TrendSeries> series, TrendScale scale) =>
        string.Join(" ", series.Select(s => $"{s.Name}: " + string.Join("; ", periods.Select((p, i) =>
        {
            var point = i < s.Points.Count ? s.Points[i] : new TrendPoint(null, 0);
            return point.Value is { } v && point.N > 0
                ? $"{PeriodName(p)} {scale.Format(v)} (n {point.N}{(point.N < ChartCanvas.FewBelow ? ", fewer than 10" : "")})"
                : $"{PeriodName(p)} no data";
        })) + "."));

    /// <summary><c>2026-05</c> → "May", with the year under the first period and each January; <c>2026-Q2</c> → "Q2".</summary>
    private static (string Label, string? Year) Label(string period, bool first)
    {
        if (period.Length == 7 && period[4] == 'Q')
            return (period[5..], first || period.EndsWith("Q1", StringComparison.Ordinal) ? period[..4] : null);
        if (DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            return (month.ToString("MMM", CultureInfo.InvariantCulture), first || month.Month == 1 ? period[..4] : null);
        return (period, null);
    }

    public static string PeriodName(string period)
    {
        if (period.Length == 7 && period[4] == 'Q') return $"{period[5..]} {period[..4]}";
        return DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month.ToString("MMM yyyy", CultureInfo.InvariantCulture)
            : period;
    }
}
