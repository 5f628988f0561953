using System.Globalization;

namespace PainPro.Portal.Charts;

public sealed record BarSegment(string Name, int Count);

/// <summary>One bar: its label and its parts, in the legend's order.</summary>
public sealed record StackedBar(string Label, IReadOnlyList<BarSegment> Segments)
{
    public int Total => Segments.Sum(s => s.Count);
}

/// <summary>
/// Horizontal stacked bars — one per timepoint or period, so a phone has room for every label — either as shares of
/// each bar's total (consensus classes) or as counts on one scale (alerts by rule). The total is written at the end of
/// each bar (n); bars of fewer than 10 are grey-labelled "(few)". The legend names the colours in order.
/// </summary>
public static class StackedBars
{
    /// <summary>Colours distinguishable with the common colour-vision deficiencies, dark enough for the legend's text.</summary>
    private static readonly string[] Palette = ["#0b5394", "#5aa0d8", "#b35806", "#f1a340", "#542788", "#998ec3", "#1b7837", "#8a929c"];

    public static string Render(string id, string title, IReadOnlyList<string> legend, IReadOnlyList<StackedBar> bars, bool shares)
    {
        const double RowHeight = 22, LabelWidth = 64;
        var legendRows = (legend.Count + 1) / 2;
        var top = 8 + legendRows * 16;
        var height = (int)(top + bars.Count * RowHeight + 10);
        var canvas = new ChartCanvas(id, title, Describe(legend, bars, shares), height, left: LabelWidth, right: 44, top: top, bottom: 10);
        for (var i = 0; i < legend.Count; i++)
        {
            var (x, y) = (8 + (i % 2) * 176, 8 + (i / 2) * 16);
            canvas.Rect(x, y, 10, 10, Palette[i % Palette.Length]);
            canvas.Text(x + 14, y + 9, legend[i], anchor: "start", size: 11);
        }
        var max = shares ? 1 : Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Total));
        for (var row = 0; row < bars.Count; row++)
        {
            var bar = bars[row];
            var y = top + row * RowHeight + 3;
            var few = bar.Total is > 0 and < ChartCanvas.FewBelow;
            canvas.Text(LabelWidth - 5, y + 12, bar.Label, anchor: "end", size: 11, fill: few ? ChartCanvas.FewText : ChartCanvas.Ink);
            var x = canvas.Left;
            foreach (var (segment, index) in bar.Segments.Select((s, i) => (s, i)))
            {
                var width = bar.Total == 0 ? 0 : canvas.PlotWidth * (shares ? (double)segment.Count / bar.Total : (double)segment.Count / max);
                canvas.Rect(x, y, width, 15, few ? ChartCanvas.Few : Palette[index % Palette.Length]);
                x += width;
            }
            canvas.Text(x + 4, y + 12, (few ? "n " : "") + bar.Total.ToString(CultureInfo.InvariantCulture) + (few ? " (few)" : ""),
                anchor: "start", size: 11, fill: few ? ChartCanvas.FewText : ChartCanvas.Ink);
        }
        return canvas.Close();
    }

    private static string Describe(IReadOnlyList<string> legend, IReadOnlyList<StackedBar> bars, bool shares) =>
        string.Join(" ", bars.Select(b => $"{b.Label} (n {b.Total}): " + string.Join(", ", b.Segments.Select(s =>
            shares && b.Total > 0 ? $"{s.Name} {s.Count} ({ChartCanvas.Percent((double)s.Count / b.Total)})" : $"{s.Name} {s.Count}")) + "."));
}
