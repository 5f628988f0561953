using System.Globalization;

namespace PainPro.Portal.Charts;

/// <summary>One timepoint of the paired view: the same patients' baseline and follow-up pain (median and quartiles).</summary>
public sealed record PairedRow(string Label, int N, double? BaselineMedian, double? BaselineQ1, double? BaselineQ3,
    double? Median, double? Q1, double? Q3);

/// <summary>
/// The paired view: for each follow-up timepoint, only the patients with a baseline and an answer there, their
/// baseline (hollow) and follow-up (filled) median pain joined by a line, quartiles as whiskers, n at the end. Unlike
/// the cohort trajectory, a change here cannot come from different patients answering at different times.
/// </summary>
public static class PairedChart
{
    private const string Baseline = "#8a4b00";
    private const string FollowUp = "#0b5394";

    public static string Render(string id, IReadOnlyList<PairedRow> rows)
    {
        const double RowHeight = 40, Top = 30;
        var canvas = new ChartCanvas(id, "Pain (NRS 0–10) before and after, same patients", Describe(rows),
            (int)(Top + rows.Count * RowHeight + 34), left: 64, right: 52, top: Top, bottom: 34);
        double X(double pain) => canvas.Left + canvas.PlotWidth * Math.Clamp(pain, 0, 10) / 10;
        canvas.Circle(12, 12, 4, "#ffffff", Baseline);
        canvas.Text(20, 16, "baseline", anchor: "start", size: 12);
        canvas.Circle(90, 12, 4, FollowUp);
        canvas.Text(98, 16, "follow-up (median, quartiles)", anchor: "start", size: 12);
        for (var pain = 0; pain <= 10; pain += 2)
        {
            canvas.Line(X(pain), Top - 4, X(pain), canvas.PlotBottom, ChartCanvas.Grid);
            canvas.Text(X(pain), canvas.PlotBottom + 13, pain.ToString(CultureInfo.InvariantCulture), size: 12, fill: ChartCanvas.Muted);
        }
        canvas.Text(canvas.Left + canvas.PlotWidth / 2, canvas.PlotBottom + 27, "pain (NRS 0–10)", size: 12, fill: ChartCanvas.Muted);
        canvas.Text(ChartCanvas.PhoneWidth - 4, Top - 8, "n", anchor: "end", size: 12, fill: ChartCanvas.Muted);

        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var y = Top + i * RowHeight + RowHeight / 2;
            var few = r.N is > 0 and < ChartCanvas.FewBelow;
            canvas.Text(canvas.Left - 6, y + 4, r.Label, anchor: "end", size: 11, fill: few ? ChartCanvas.FewText : ChartCanvas.Ink);
            canvas.Text(ChartCanvas.PhoneWidth - 4, y + 4, r.N.ToString(CultureInfo.InvariantCulture) + (few ? " (few)" : ""),
                anchor: "end", size: 12, fill: few ? ChartCanvas.FewText : ChartCanvas.Ink);
            if (r.N == 0 || r.BaselineMedian is not { } b || r.Median is not { } m) continue;
            var (baseline, followUp) = few ? (ChartCanvas.Few, ChartCanvas.Few) : (Baseline, FollowUp);
            if (r.BaselineQ1 is { } bq1 && r.BaselineQ3 is { } bq3) canvas.Line(X(bq1), y - 6, X(bq3), y - 6, baseline, 1.5);
            if (r.Q1 is { } q1 && r.Q3 is { } q3) canvas.Line(X(q1), y + 6, X(q3), y + 6, followUp, 1.5);
            canvas.Line(X(b), y - 6, X(m), y + 6, ChartCanvas.Muted, 1.5);
            canvas.Circle(X(b), y - 6, 4.5, "#ffffff", baseline);
            canvas.Circle(X(m), y + 6, 4.5, followUp);
        }
        return canvas.Close();
    }

    private static string Describe(IReadOnlyList<PairedRow> rows) => string.Join(" ", rows.Select(r => r.N == 0
        ? $"{r.Label}: no patients with both answers."
        : $"{r.Label}, {r.N} patients{(r.N < ChartCanvas.FewBelow ? " (fewer than 10)" : "")}: baseline median {Number(r.BaselineMedian)} "
          + $"(quartiles {Number(r.BaselineQ1)}–{Number(r.BaselineQ3)}), then median {Number(r.Median)} (quartiles {Number(r.Q1)}–{Number(r.Q3)})."));

    private static string Number(double? value) => value?.ToString("0.#", CultureInfo.InvariantCulture) ?? "—";
}
