using System.Globalization;
using System.Text;

namespace PainPro.Portal.Charts;

/// <summary>One timepoint of a cohort's VAS: the median and the interquartile range of the answers.</summary>
public sealed record VasTrajectoryPoint(string Label, int N, decimal? Median, decimal? Q1, decimal? Q3)
{
    public bool HasData => N > 0 && Median is not null;
}

/// <summary>
/// The manager dashboard's trajectory: median VAS as a line, the interquartile range as a band behind it,
/// baseline → day 3 → month 1 → month 3. Timepoints without answers leave a gap rather than a made-up value.
/// </summary>
public static class VasTrajectoryChart
{
    public const int Width = 640;
    public const int Height = 300;

    public static string Render(IReadOnlyList<VasTrajectoryPoint> points, string id = "vas-trajectory")
    {
        var frame = new VasChartFrame(Width, Height, [.. points.Select(p => p.Label)]);
        var svg = frame.Open(id, "Pain (NRS 0–10) over time: median and interquartile range", Describe(points), "chart");

        // Band and line are drawn per run of consecutive timepoints with data, so a gap stays a gap.
        foreach (var run in Runs(points))
        {
            if (run.Count > 1)
            {
                var band = run.Select(i => $"{VasChartFrame.F(frame.X(i))},{VasChartFrame.F(frame.Y((double)(points[i].Q3 ?? points[i].Median!.Value)))}")
                    .Concat(run.AsEnumerable().Reverse().Select(i => $"{VasChartFrame.F(frame.X(i))},{VasChartFrame.F(frame.Y((double)(points[i].Q1 ?? points[i].Median!.Value)))}"));
                svg.Append($"""<polygon points="{string.Join(' ', band)}" fill="#0b5394" fill-opacity="0.18" stroke="none"/>""");
                var line = run.Select(i => $"{VasChartFrame.F(frame.X(i))},{VasChartFrame.F(frame.Y((double)points[i].Median!.Value))}");
                svg.Append($"""<polyline points="{string.Join(' ', line)}" fill="none" stroke="#0b5394" stroke-width="3"/>""");
            }
            foreach (var i in run)
            {
                var p = points[i];
                double x = frame.X(i), y = frame.Y((double)p.Median!.Value);
                if (p.Q1 is { } q1 && p.Q3 is { } q3)
                    svg.Append(CultureInfo.InvariantCulture,
                        $"""<line x1="{VasChartFrame.F(x)}" x2="{VasChartFrame.F(x)}" y1="{VasChartFrame.F(frame.Y((double)q1))}" y2="{VasChartFrame.F(frame.Y((double)q3))}" stroke="#0b5394" stroke-width="1.5"/>""");
                svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{VasChartFrame.F(x)}" cy="{VasChartFrame.F(y)}" r="5" fill="#0b5394"/>""");
                svg.Append(CultureInfo.InvariantCulture,
                    $"""<text x="{VasChartFrame.F(x + 8)}" y="{VasChartFrame.F(y - 8)}" font-size="12" fill="#1b1f24">{Number(p.Median)}</text>""");
            }
        }
        return VasChartFrame.Close(svg);
    }

    /// <summary>The chart in words, for screen readers: every number the picture shows.</summary>
    public static string Describe(IReadOnlyList<VasTrajectoryPoint> points)
    {
        var parts = points.Select(p => p.HasData
            ? $"{p.Label}: median {Number(p.Median)}, interquartile range {Number(p.Q1)} to {Number(p.Q3)}, {p.N} answers"
            : $"{p.Label}: no answers");
        return string.Join("; ", parts) + ".";
    }

    private static IEnumerable<List<int>> Runs(IReadOnlyList<VasTrajectoryPoint> points)
    {
        var run = new List<int>();
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].HasData) { run.Add(i); continue; }
            if (run.Count > 0) yield return run;
            run = [];
        }
        if (run.Count > 0) yield return run;
    }

    internal static string Number(decimal? value) =>
        value is { } v ? Math.Round(v, 1, MidpointRounding.AwayFromZero).ToString("0.#", CultureInfo.InvariantCulture) : "—";
}
