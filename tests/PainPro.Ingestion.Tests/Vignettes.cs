using PainPro.Contracts;

namespace PainPro.Ingestion.Tests;

/// <summary>One timepoint's answers in a vignette: VAS, analgesic answer (1 less, 2 same, 3 more), MSTS total.</summary>
public sealed record Visit(string Timepoint, int Vas, int Analgesic, int? MstsTotal = null);

/// <summary>What a timepoint must produce: the alert's rules, severity and summary (none: no rule fires), and the consensus class.</summary>
public sealed record Expected(string Timepoint, string[] Rules, string? Severity, string? Summary, string? Consensus)
{
    public static Expected None(string timepoint, string? consensus) => new(timepoint, [], null, null, consensus);

    public override string ToString() =>
        $"{Timepoint}: [{string.Join(", ", Rules)}] {Severity ?? "no alert"} \"{Summary}\" consensus {Consensus ?? "none"}";
}

/// <summary>A patient's trajectory and what each of its timepoints must raise.</summary>
public sealed record Vignette(string Name, int? Baseline, Visit[] Visits, Expected[] Expectations, bool BaselineBySurvey = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// Trajectory vignettes worked out by hand from DESIGN §6 (default thresholds: progression 2, no-relief from 4,
/// response reduction 2, rebound 2, severe 8, function decline 5) and Chow 2012's classes.
/// </summary>
public static class Vignettes
{
    private const string D3 = Timepoints.Day3, M1 = Timepoints.Month1, M3 = Timepoints.Month3;
    private const string High = AlertSeverities.High, Medium = AlertSeverities.Medium, Low = AlertSeverities.Low;

    public static IReadOnlyList<Vignette> All { get; } =
    [
        new("Steady responder raises nothing", 8,
            [new(D3, 5, 2), new(M1, 3, 1, 20), new(M3, 2, 1, 24)],
            [Expected.None(D3, "partial"), Expected.None(M1, "partial"), Expected.None(M3, "partial")]),

        new("Pain up three at day 3 with stable medicine is high progression", 6,
            [new(D3, 9, 2)],
            [new(D3, ["pain-progression", "no-relief", "severe-pain"], High, "Day 3 pain 9/10 vs 6/10 before the procedure — pain progression: up 3 (flag at ≥ 2); no relief: rose 3 (a response needs a fall of ≥ 2); severe pain: 9/10 (flag at ≥ 8)", "progression")]),

        new("Pain down only one point is no relief", 8,
            [new(D3, 7, 2)],
            [new(D3, ["no-relief"], Medium, "Day 3 pain 7/10 vs 8/10 before the procedure — no relief: fell 1 (a response needs a fall of ≥ 2)", "indeterminate")]),

        new("Pain gone is a complete response", 7,
            [new(D3, 0, 1), new(M1, 0, 1, 28), new(M3, 1, 1, 29)],
            [Expected.None(D3, "complete"), Expected.None(M1, "complete"), Expected.None(M3, "partial")]),

        new("Severe pain despite a two-point fall is high", 10,
            [new(D3, 8, 2)],
            [new(D3, ["severe-pain"], High, "Day 3 pain 8/10 vs 10/10 before the procedure — severe pain: 8/10 (flag at ≥ 8)", "partial")]),

        new("Pain back up three at month 1 is a rebound", 7,
            [new(D3, 2, 1), new(M1, 5, 2, 21)],
            [Expected.None(D3, "partial"),
             new(M1, ["rebound"], Medium, "Month 1 pain 5/10 vs 7/10 before the procedure — rebound: up 3 from 2/10 at day 3 (flag at ≥ 2)", "partial")]),

        new("More medicine without relief is analgesic escalation", 6,
            [new(D3, 5, 3)],
            [new(D3, ["no-relief", "analgesic-escalation"], Medium,
                "Day 3 pain 5/10 vs 6/10 before the procedure — no relief: fell 1 (a response needs a fall of ≥ 2); analgesic escalation: taking more pain medicine while pain fell 1 (flagged unless it fell ≥ 2)", "indeterminate")]),

        new("More medicine with unchanged low pain is escalation and progression", 3,
            [new(D3, 3, 3)],
            [new(D3, ["analgesic-escalation"], Medium,
                "Day 3 pain 3/10 vs 3/10 before the procedure — analgesic escalation: taking more pain medicine while pain unchanged (flagged unless it fell ≥ 2)", "progression")]),

        new("MSTS down seven from month 1 to month 3 is function decline", 6,
            [new(D3, 3, 1), new(M1, 2, 1, 22), new(M3, 2, 2, 15)],
            [Expected.None(D3, "partial"), Expected.None(M1, "partial"),
             new(M3, ["function-decline"], Low, "Month 3 — function decline: MSTS 15/30 vs 22/30 at month 1, fell 7 (flag at ≥ 5)", "partial")]),

        new("MSTS down four is under the decline threshold", 6,
            [new(M1, 3, 1, 20), new(M3, 3, 1, 16)],
            [Expected.None(M1, "partial"), Expected.None(M3, "partial")]),

        new("Without a baseline only severe pain can fire", null,
            [new(D3, 9, 2)],
            [new(D3, ["severe-pain"], High, "Day 3 pain 9/10 (no baseline recorded) — severe pain: 9/10 (flag at ≥ 8)", null)]),

        new("Without a baseline a rebound still fires", null,
            [new(D3, 2, 1), new(M1, 6, 2, 20)],
            [Expected.None(D3, null), new(M1, ["rebound"], Medium, "Month 1 pain 6/10 (no baseline recorded) — rebound: up 4 from 2/10 at day 3 (flag at ≥ 2)", null)]),

        new("Worse at month 3 with more medicine fires four rules", 4,
            [new(D3, 4, 2), new(M1, 3, 2, 18), new(M3, 6, 3, 17)],
            [new(D3, ["no-relief"], Medium, "Day 3 pain 4/10 vs 4/10 before the procedure — no relief: unchanged (a response needs a fall of ≥ 2)", "indeterminate"),
             Expected.None(M1, "indeterminate"),
             new(M3, ["pain-progression", "no-relief", "rebound", "analgesic-escalation"], High,
                "Month 3 pain 6/10 vs 4/10 before the procedure — pain progression: up 2 (flag at ≥ 2); no relief: rose 2 (a response needs a fall of ≥ 2); rebound: up 3 from 3/10 at month 1 (flag at ≥ 2); analgesic escalation: taking more pain medicine while pain rose 2 (flagged unless it fell ≥ 2)", "indeterminate")]),

        new("No pain but more medicine raises nothing and is indeterminate", 5,
            [new(D3, 0, 3)],
            [Expected.None(D3, "indeterminate")]),

        new("A rise of exactly two is progression", 5,
            [new(D3, 7, 2)],
            [new(D3, ["pain-progression", "no-relief"], High, "Day 3 pain 7/10 vs 5/10 before the procedure — pain progression: up 2 (flag at ≥ 2); no relief: rose 2 (a response needs a fall of ≥ 2)", "progression")]),

        new("Low unchanged pain is below the no-relief floor", 3,
            [new(D3, 3, 2), new(M1, 2, 1, 25)],
            [Expected.None(D3, "indeterminate"), Expected.None(M1, "partial")]),

        new("A surveyed baseline counts like a clinic one", 7,
            [new(D3, 6, 2)],
            [new(D3, ["no-relief"], Medium, "Day 3 pain 6/10 vs 7/10 before the procedure — no relief: fell 1 (a response needs a fall of ≥ 2)", "indeterminate")],
            BaselineBySurvey: true),

        new("A rebound compares with day 3 when month 1 went unanswered", 8,
            [new(D3, 2, 1), new(M3, 5, 2)],
            [Expected.None(D3, "partial"),
             new(M3, ["rebound"], Medium, "Month 3 pain 5/10 vs 8/10 before the procedure — rebound: up 3 from 2/10 at day 3 (flag at ≥ 2)", "partial")]),
    ];

    /// <summary>Vignette names, so each runs (and reports) as its own case.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var vignette in All) data.Add(vignette.Name);
            return data;
        }
    }

    public static Vignette Named(string name) => All.Single(v => v.Name == name);
}
