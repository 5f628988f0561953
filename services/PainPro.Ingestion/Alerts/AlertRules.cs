using PainPro.Contracts;

namespace PainPro.Ingestion.Alerts;

/// <summary>What one post-procedure timepoint of an enrollment has answered so far.</summary>
public sealed record TimepointAnswers(string Timepoint, int? Vas, string? AnalgesicChange, int? MstsTotal);

/// <summary>An enrollment's pain story: the baseline (clinic-entered or surveyed) and its follow-ups.</summary>
public sealed record Trajectory(int? Baseline, IReadOnlyList<TimepointAnswers> FollowUps);

/// <summary>Why an alert is raised (or updated): its rules in table order, the highest severity, one line with the numbers.</summary>
public sealed record AlertFinding(IReadOnlyList<string> Rules, string Severity, string Summary);

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
        return new AlertFinding(fired, HighestSeverity(fired), Summarize(trajectory, current, previous, fired, month1Msts, thresholds));
    }

    /// <summary>The finding for a survey whose window closed without a single answer.</summary>
    public static AlertFinding NoAnswer(string timepoint) =>
        new([NoResponse], AlertSeverities.Low, $"{TimepointLabel(timepoint)} survey expired without an answer");

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

    // e.g. "Day 3 pain 7/10 vs 8/10 before the procedure (fell 1; response needs ≥2)"
    private static string Summarize(Trajectory trajectory, TimepointAnswers current, TimepointAnswers? previous,
        List<string> fired, int? month1Msts, AlertThresholds thresholds)
    {
        var label = TimepointLabel(current.Timepoint);
        var parts = new List<string>();
        if (current.Vas is { } v && fired.Any(rule => rule != FunctionDecline))
        {
            parts.Add(trajectory.Baseline is { } b
                ? $"{label} pain {v}/10 vs {b}/10 before the procedure ({Change(b, v, thresholds)})"
                : $"{label} pain {v}/10 (no baseline recorded)");
            if (fired.Contains(Rebound) && previous?.Vas is { } p)
                parts.Add($"up {v - p} from {p}/10 at {TimepointLabel(previous.Timepoint).ToLowerInvariant()}");
            if (fired.Contains(AnalgesicEscalation))
                parts.Add("taking more pain medicine");
        }
        if (fired.Contains(FunctionDecline) && current.MstsTotal is { } m3 && month1Msts is { } m1)
            parts.Add($"{label} MSTS {m3}/30 vs {m1}/30 at month 1 (fell {m1 - m3})");
        return string.Join("; ", parts);
    }

    private static string Change(int baseline, int vas, AlertThresholds thresholds)
    {
        var fell = baseline - vas;
        return fell switch
        {
            < 0 => $"rose {-fell}",
            0 => $"unchanged; response needs ≥{thresholds.ResponseReduction}",
            _ when fell < thresholds.ResponseReduction => $"fell {fell}; response needs ≥{thresholds.ResponseReduction}",
            _ => $"fell {fell}",
        };
    }
}
