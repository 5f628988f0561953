using System.Globalization;
using System.Net;
using System.Text;

namespace PainPro.Portal.Charts;

/// <summary>
/// The dashboard charts' shared frame: a 360-unit-wide SVG, so that on a 390-pixel phone one unit is about one pixel
/// and 12-unit text reads as 12-pixel text (wider screens show charts side by side rather than larger). Plain markup
/// with presentation attributes only (no inline style), so the strict CSP allows it; a title and description name the
/// chart and say every number for screen readers; the picture itself is hidden from them.
/// </summary>
internal sealed class ChartCanvas
{
    public const int PhoneWidth = 360;
    public const string Ink = "#1b1f24";
    public const string Muted = "#4a5360";
    public const string Grid = "#c9d0d8";
    /// <summary>Groups with too few patients to read much into: grey, in every chart.</summary>
    public const string Few = "#8a929c";
    /// <summary>Text of a few-patients group: grey, still 4.5:1 on white.</summary>
    public const string FewText = "#5f6873";
    public const int FewBelow = 10;

    private readonly StringBuilder svg = new();

    public ChartCanvas(string id, string title, string description, int height, double left = 40, double right = 12, double top = 14,
        double bottom = 44, double width = PhoneWidth)
    {
        Width = width;
        Height = height;
        (Left, Right, Top, Bottom) = (left, right, top, bottom);
        svg.Append(CultureInfo.InvariantCulture,
            // Wider than a phone: drawn at its own size inside a region that scrolls sideways, never shrunk below legible.
            $"""<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-dashboard{(width > PhoneWidth ? " chart-wide" : "")}" viewBox="0 0 {F(width)} {height}"{(width > PhoneWidth ? $" width=\"{F(width)}\" height=\"{height}\"" : "")} role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{id}-title">{Escape(title)}</title><desc id="{id}-desc">{Escape(description)}</desc>""");
        svg.Append("""<g aria-hidden="true">""");
    }

    public double Width { get; }
    public int Height { get; }
    public double Left { get; }
    public double Right { get; }
    public double Top { get; }
    public double Bottom { get; }
    public double PlotWidth => Width - Left - Right;
    public double PlotHeight => Height - Top - Bottom;
    public double PlotBottom => Height - Bottom;

    /// <summary>The y of <paramref name="value"/> on a scale from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public double Y(double value, double min, double max) =>
        Top + PlotHeight * (1 - (Math.Clamp(value, min, max) - min) / (max - min));

    /// <summary>The x of category <paramref name="index"/> of <paramref name="count"/>, centred in its slot.</summary>
    public double Slot(int index, int count) => Left + PlotWidth * (index + 0.5) / Math.Max(1, count);

    public ChartCanvas YAxis(double min, double max, double step, Func<double, string> label, string? title = null)
    {
        for (var v = min; v <= max + step / 1000; v += step)
        {
            var y = Y(v, min, max);
            Line(Left, y, Width - Right, y, Grid);
            Text(Left - 5, y + 4, label(v), anchor: "end", size: 12, fill: Muted);
        }
        if (title is not null)
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="12" y="{F(Top + PlotHeight / 2)}" font-size="12" fill="{Muted}" transform="rotate(-90 12 {F(Top + PlotHeight / 2)})" text-anchor="middle">{Escape(title)}</text>""");
        return this;
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"""<line x1="{F(x1)}" y1="{F(y1)}" x2="{F(x2)}" y2="{F(y2)}" stroke="{stroke}" stroke-width="{F(width)}"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>""");

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2, string? dash = null)
    {
        var list = points.ToList();
        if (list.Count < 2) return;
        svg.Append(CultureInfo.InvariantCulture,
            $"""<polyline points="{string.Join(' ', list.Select(p => $"{F(p.X)},{F(p.Y)}"))}" fill="none" stroke="{stroke}" stroke-width="{F(width)}"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>""");
    }

    public void Circle(double x, double y, double r, string fill, string? stroke = null) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"""<circle cx="{F(x)}" cy="{F(y)}" r="{F(r)}" fill="{fill}"{(stroke is null ? "" : $" stroke=\"{stroke}\" stroke-width=\"1.5\"")}/>""");

    public void Rect(double x, double y, double width, double height, string fill) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"""<rect x="{F(x)}" y="{F(y)}" width="{F(Math.Max(0, width))}" height="{F(Math.Max(0, height))}" fill="{fill}"/>""");

    public void Text(double x, double y, string text, string anchor = "middle", double size = 12, string fill = Ink, bool bold = false) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"""<text x="{F(x)}" y="{F(y)}" text-anchor="{anchor}" font-size="{F(size)}" fill="{fill}"{(bold ? " font-weight=\"700\"" : "")}>{Escape(text)}</text>""");

    public string Close() => svg.Append("</g></svg>").ToString();

    /// <summary>Coordinates with one decimal, always with a dot.</summary>
    public static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    public static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
}
