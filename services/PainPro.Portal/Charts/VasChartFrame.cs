using System.Globalization;
using System.Net;
using System.Text;

namespace PainPro.Portal.Charts;

/// <summary>
/// The frame both VAS charts share: the four timepoints across, pain 0–10 up, gridlines every 2 points.
/// Output is plain SVG markup with presentation attributes only (no inline style), so a strict CSP allows it.
/// </summary>
internal sealed class VasChartFrame(int width, int height, IReadOnlyList<string> categories)
{
    private const double Left = 44, Right = 32, Top = 20, Bottom = 40;

    public double X(int category) =>
        categories.Count == 1 ? Left + PlotWidth / 2 : Left + PlotWidth * category / (categories.Count - 1);

    public double Y(double vas) => Top + PlotHeight * (1 - Math.Clamp(vas, 0, 10) / 10);

    private double PlotWidth => width - Left - Right;
    private double PlotHeight => height - Top - Bottom;

    public StringBuilder Open(string id, string title, string description, string cssClass)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" class="{cssClass}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{id}-title">{Escape(title)}</title><desc id="{id}-desc">{Escape(description)}</desc>""");
        svg.Append("""<g aria-hidden="true">""");
        for (var vas = 0; vas <= 10; vas += 2)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"""<line x1="{F(Left)}" x2="{F(width - Right)}" y1="{F(Y(vas))}" y2="{F(Y(vas))}" stroke="#c9d0d8" stroke-width="1"/>""");
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="{F(Left - 8)}" y="{F(Y(vas) + 4)}" text-anchor="end" font-size="12" fill="#4a5360">{vas}</text>""");
        }
        for (var i = 0; i < categories.Count; i++)
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="{F(X(i))}" y="{F(height - Bottom + 20)}" text-anchor="middle" font-size="12" fill="#1b1f24">{Escape(categories[i])}</text>""");
        svg.Append(CultureInfo.InvariantCulture,
            $"""<text x="12" y="{F(Top + PlotHeight / 2)}" font-size="12" fill="#4a5360" transform="rotate(-90 12 {F(Top + PlotHeight / 2)})" text-anchor="middle">Pain (NRS 0–10)</text>""");
        return svg;
    }

    public static string Close(StringBuilder svg) => svg.Append("</g></svg>").ToString();

    /// <summary>Coordinates with one decimal, always with a dot.</summary>
    public static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Escape(string text) => WebUtility.HtmlEncode(text);
}
