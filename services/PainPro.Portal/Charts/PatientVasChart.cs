using System.Globalization;

namespace PainPro.Portal.Charts;

/// <summary>
/// The alert page's small chart: one patient's VAS at each timepoint, with the baseline as a dashed line so
/// "better or worse than before the procedure" is visible at a glance.
/// </summary>
public static class PatientVasChart
{
    public const int Width = 420;
    public const int Height = 220;

    /// <param name="points">Every timepoint to show across, in order, with the answer if there is one.</param>
    /// <param name="baseline">The baseline VAS (clinic-entered or surveyed); null draws no baseline line.</param>
    public static string Render(IReadOnlyList<(string Label, int? Vas)> points, int? baseline, string id = "patient-vas")
    {
        var frame = new VasChartFrame(Width, Height, [.. points.Select(p => p.Label)]);
        var svg = frame.Open(id, "This patient's pain (NRS 0–10) at each timepoint", Describe(points, baseline), "chart chart-small");

        if (baseline is { } b)
        {
            var y = VasChartFrame.F(frame.Y(b));
            svg.Append(CultureInfo.InvariantCulture,
                $"""<line x1="{VasChartFrame.F(frame.X(0))}" x2="{VasChartFrame.F(frame.X(points.Count - 1))}" y1="{y}" y2="{y}" stroke="#8a4b00" stroke-width="2" stroke-dasharray="6 4"/>""");
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="{VasChartFrame.F(frame.X(points.Count - 1))}" y="{VasChartFrame.F(frame.Y(b) - 6)}" text-anchor="end" font-size="12" fill="#8a4b00">Baseline {b}</text>""");
        }

        var answered = points.Select((p, i) => (p.Vas, i)).Where(p => p.Vas is not null).ToList();
        if (answered.Count > 1)
            svg.Append($"""<polyline points="{string.Join(' ', answered.Select(p => $"{VasChartFrame.F(frame.X(p.i))},{VasChartFrame.F(frame.Y(p.Vas!.Value))}"))}" fill="none" stroke="#0b5394" stroke-width="2.5"/>""");
        foreach (var (vas, i) in answered)
        {
            double x = frame.X(i), y = frame.Y(vas!.Value);
            svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{VasChartFrame.F(x)}" cy="{VasChartFrame.F(y)}" r="5" fill="#0b5394"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{VasChartFrame.F(x)}" y="{VasChartFrame.F(y - 9)}" text-anchor="middle" font-size="12" fill="#1b1f24">{vas}</text>""");
        }
        return VasChartFrame.Close(svg);
    }

    public static string Describe(IReadOnlyList<(string Label, int? Vas)> points, int? baseline)
    {
        var answers = string.Join("; ", points.Select(p => p.Vas is { } v ? $"{p.Label}: {v}" : $"{p.Label}: no answer"));
        return (baseline is { } b ? $"Baseline {b} of 10. " : "No baseline recorded. ") + answers + ".";
    }
}
