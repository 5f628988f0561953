using PainPro.Contracts;

namespace PainPro.Ingestion.Alerts;

/// <summary>What one post-procedure timepoint of an enrollment has answered so far.</summary>
public sealed record TimepointAnswers(string Timepoint, int? Vas, string? AnalgesicChange, int? MstsTotal);

/// <summary>An enrollment's pain story: the baseline (clinic-entered or surveyed) and its follow-ups.</summary>
public sealed record Trajectory(int? Baseline, IReadOnlyList<TimepointAnswers> FollowUps);

/// <summary>
/// Why an alert is raised (or updated): its rules in table order, the highest severity, one line with the numbers in
/// which every clause names its rule. <paramref name="Basis"/> is the part of the line owed to the rules of that
/// severity ("Day 3 — severe pain: 9/10 (flag at ≥ 8)"); null means the whole summary.
/// </summary>
public sealed record AlertFinding(IReadOnlyList<string> Rules, string Severity, string Summary, string? Basis = null)
{
    /// <summary>What set the severity, in the summary's own words.</summary>
    public string SeverityBasis => Basis ?? Summary;
}

/// <summary>
/// The alert rules of DESIGN §6 as a pure function of the trajectory, so every vignette can be checked
/// without a database. b = baseline, v = this timepoint's VAS, p = the previous post-procedure VAS.
/// </summary>
public static class AlertRules
{
    public const string PainProgression = "pain-progression";
    public const string NoRelief = "no-relief";
    public const string Rebound = "rebound";
    public const string SeverePain = "severe-pain";
    public const string AnalgesicEscalation = "analgesic-escalation";
    public const string FunctionDecline = "function-decline";
    public const string NoResponse = "no-response";

    /// <summary>A text that is neither an answer nor a keyword: staff must read it (<see cref="PatientMessages"/>).</summary>
    public const string PatientMessage = "patient-message";

    /// <summary>Every rule, in the order of the design's table (and of an alert's <c>rules</c>).</summary>
    public static IReadOnlyList<string> All { get; } =
        [PainProgression, NoRelief, Rebound, SeverePain, AnalgesicEscalation, FunctionDecline, NoResponse, PatientMessage];

    /// <summary>A rule's severity; <c>patient-message</c> is low here and high only with an urgency word, which its finding says.</summary>
    public static string SeverityOf(string rule) => rule switch
    {
        PainProgression or SeverePain => AlertSeverities.High,
        NoRelief or Rebound or AnalgesicEscalation => AlertSeverities.Medium,
        FunctionDecline or NoResponse or PatientMessage => AlertSeverities.Low,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown alert rule."),
    };

    /// <summary>The rules that fire for <paramref name="timepoint"/>'s answers, or null when none does.</summary>
    public static AlertFinding? Evaluate(Trajectory trajectory, string timepoint, AlertThresholds thresholds)
    {
        var current = trajectory.FollowUps.FirstOrDefault(f => f.Timepoint == timepoint);
        if (current is null || timepoint == Timepoints.Baseline) return null;

        var b = trajectory.Baseline;
        var v = current.Vas;
        var previous = PreviousWithVas(trajectory, timepoint);
        var fired = new List<string>();

        if (v is { } vas)
        {
            if (b is { } baseline)
            {
                if (vas >= baseline + thresholds.Progression) fired.Add(PainProgression);
                if (vas >= thresholds.NoReliefMin && baseline - vas < thresholds.ResponseReduction) fired.Add(NoRelief);
            }
            if (previous is { Vas: { } p } && vas >= p + thresholds.Rebound) fired.Add(Rebound);
            if (vas >= thresholds.Severe) fired.Add(SeverePain);
            if (b is { } bl && current.AnalgesicChange == AnalgesicChanges.More && bl - vas < thresholds.ResponseReduction)
                fired.Add(AnalgesicEscalation);
        }

        var month1Msts = trajectory.FollowUps.FirstOrDefault(f => f.Timepoint == Timepoints.Month1)?.MstsTotal;
        if (timepoint == Timepoints.Month3 && current.MstsTotal is { } m3 && month1Msts is { } m1 && m1 - m3 >= thresholds.FunctionDecline)
            fired.Add(FunctionDecline);

        if (fired.Count == 0) return null;
        var severity = HighestSeverity(fired);
        var clauses = Clauses(trajectory, current, previous, fired, month1Msts, thresholds);
        var head = Head(trajectory.Baseline, current, fired);
        return new AlertFinding(fired, severity, Line(head, clauses.Select(c => c.Text)),
            Line(head, clauses.Where(c => SeverityOf(c.Rule) == severity).Select(c => c.Text)));
    }

    /// <summary>The finding for a survey whose window closed without a single answer.</summary>
    public static AlertFinding NoAnswer(string timepoint) =>
        new([NoResponse], AlertSeverities.Low, $"{TimepointLabel(timepoint)} — survey not answered before its window closed");

    /// <summary>
    /// The alert's one line after news: the news itself when it carries the alert's severity, else what set the
    /// severity first, then the news — "HIGH since day 3 pain 9/10 vs 6/10 before the procedure — severe pain: 9/10
    /// (flag at ≥ 8). Latest: Month 1 pain 5/10 vs 6/10 before the procedure — no relief: fell 1 (…)".
    /// </summary>
    public static string Compose(string severity, string? basis, AlertFinding latest) =>
        latest.Severity == severity || basis is null || basis == latest.SeverityBasis
            ? latest.Summary
            : $"{severity.ToUpperInvariant()} since {LowerFirst(basis)}. Latest: {latest.Summary}";

    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    public static string HighestSeverity(IEnumerable<string> rules) =>
        rules.Select(SeverityOf).MaxBy(AlertSeverities.Rank) ?? AlertSeverities.Low;

    /// <summary>Rules in table order, each once.</summary>
    public static IReadOnlyList<string> Ordered(IEnumerable<string> rules)
    {
        var set = rules.ToHashSet(StringComparer.Ordinal);
        return [.. All.Where(set.Contains)];
    }

    public static string TimepointLabel(string timepoint) => timepoint switch
    {
        Timepoints.Baseline => "Baseline",
        Timepoints.Day3 => "Day 3",
        Timepoints.Month1 => "Month 1",
        Timepoints.Month3 => "Month 3",
        _ => timepoint,
    };

    private static TimepointAnswers? PreviousWithVas(Trajectory trajectory, string timepoint)
    {
        var order = Order(timepoint);
        return trajectory.FollowUps
            .Where(f => f.Vas is not null && Order(f.Timepoint) < order && f.Timepoint != Timepoints.Baseline)
            .MaxBy(f => Order(f.Timepoint));
    }

    private static int Order(string timepoint)
    {
        var index = Timepoints.All.ToList().IndexOf(timepoint);
        return index < 0 ? int.MaxValue : index;
    }

    /// <summary>
    /// The numbers the clauses judge: "Day 3 pain 9/10 vs 6/10 before the procedure", "(no baseline recorded)" when
    /// there is none (only rebound and severe pain can fire then), the timepoint alone when only MSTS fired.
    /// </summary>
    private static string Head(int? baseline, TimepointAnswers current, List<string> fired)
    {
        var label = TimepointLabel(current.Timepoint);
        if (current.Vas is not { } v || fired.All(rule => rule == FunctionDecline)) return label;
        return baseline is { } b ? $"{label} pain {v}/10 vs {b}/10 before the procedure" : $"{label} pain {v}/10 (no baseline recorded)";
    }

    /// <summary>"Day 3 pain 9/10 vs 6/10 before the procedure — clause; clause".</summary>
    private static string Line(string head, IEnumerable<string> clauses) => $"{head} — {string.Join("; ", clauses)}";

    /// <summary>
    /// One clause per rule that fired, each naming its rule, what it saw and the threshold it crossed, e.g.
    /// "pain progression: up 3 (flag at ≥ 2)". An analgesic escalation says what it is about (more medicine while pain
    /// did not fall enough), never the no-relief wording.
    /// </summary>
    private static List<(string Rule, string Text)> Clauses(Trajectory trajectory, TimepointAnswers current, TimepointAnswers? previous,
        List<string> fired, int? month1Msts, AlertThresholds thresholds)
    {
        var v = current.Vas ?? 0;
        var b = trajectory.Baseline ?? 0;
        var p = previous?.Vas ?? 0;
        return [.. fired.Select(rule => (rule, rule switch
        {
            PainProgression => $"pain progression: up {v - b} (flag at ≥ {thresholds.Progression})",
            NoRelief => $"no relief: {Change(b, v)} (a response needs a fall of ≥ {thresholds.ResponseReduction})",
            Rebound => $"rebound: up {v - p} from {p}/10 at {TimepointLabel(previous?.Timepoint ?? "").ToLowerInvariant()} (flag at ≥ {thresholds.Rebound})",
            SeverePain => $"severe pain: {v}/10 (flag at ≥ {thresholds.Severe})",
            AnalgesicEscalation => $"analgesic escalation: taking more pain medicine while pain {Change(b, v)} (flagged unless it fell ≥ {thresholds.ResponseReduction})",
            FunctionDecline => $"function decline: MSTS {current.MstsTotal}/30 vs {month1Msts}/30 at month 1, fell {month1Msts - current.MstsTotal} (flag at ≥ {thresholds.FunctionDecline})",
            _ => rule,
        }))];
    }

    private static string Change(int baseline, int vas) => (baseline - vas) switch
    {
        < 0 and var fell => $"rose {-fell}",
        0 => "unchanged",
        var fell => $"fell {fell}",
    };
}
