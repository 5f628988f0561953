using PainPro.Contracts;

namespace PainPro.Portal;

/// <summary>Human labels for the codes the services speak. Unknown codes are shown as they are.</summary>
public static class ProcedureNames
{
    /// <summary>The procedure types Scheduling accepts, in the order the dashboard offers them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "cementoplasty", "vertebroplasty", "kyphoplasty", "separation-surgery", "stabilisation", "fixation",
        "distraction-osteogenesis", "resection-reconstruction",
    ];

    public static string Label(string? code) => code switch
    {
        null or "" => "—",
        "cementoplasty" => "Cementoplasty",
        "vertebroplasty" => "Vertebroplasty",
        "kyphoplasty" => "Kyphoplasty",
        "separation-surgery" => "Separation surgery",
        "stabilisation" => "Stabilisation",
        "fixation" => "Fixation",
        "distraction-osteogenesis" => "Distraction osteogenesis",
        "resection-reconstruction" => "Resection and reconstruction",
        _ => Humanize(code),
    };

    public static string BodySite(string? code) => string.IsNullOrEmpty(code) ? "—" : Humanize(code);

    internal static string Humanize(string code)
    {
        var words = code.Replace('-', ' ').Replace('_', ' ');
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }
}

public static class TimepointNames
{
    public static string Label(string? timepoint) => timepoint switch
    {
        Timepoints.Baseline => "Baseline",
        Timepoints.Day3 => "Day 3",
        Timepoints.Month1 => "Month 1",
        Timepoints.Month3 => "Month 3",
        null or "" => "—",
        _ => ProcedureNames.Humanize(timepoint),
    };
}

public static class AlertNames
{
    public static string Severity(string? severity) => severity switch
    {
        AlertSeverities.High => "High",
        AlertSeverities.Medium => "Medium",
        AlertSeverities.Low => "Low",
        _ => severity ?? "—",
    };

    public static string Rule(string rule) => rule switch
    {
        "pain-progression" => "Pain progression",
        "no-relief" => "No relief",
        "rebound" => "Rebound",
        "severe-pain" => "Severe pain",
        "analgesic-escalation" => "Analgesic escalation",
        "function-decline" => "Function decline",
        "no-response" => "Survey not answered",
        "patient-message" => "Patient message",
        _ => ProcedureNames.Humanize(rule),
    };

    public static string Status(string? status) => status switch
    {
        "open" => "Open",
        "acknowledged" => "Acknowledged",
        "resolved" => "Resolved",
        _ => status ?? "—",
    };

    /// <summary>Call outcomes Ingestion records (<c>POST /api/alerts/{id}/calls</c>).</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> CallOutcomes =
    [
        ("reached", "Reached the patient"),
        ("no-answer", "No answer"),
        ("voicemail", "Left a voicemail"),
        ("wrong-number", "Wrong number"),
    ];

    /// <summary>How an alert was closed (<c>POST /api/alerts/{id}/resolve</c>).</summary>
    public static readonly IReadOnlyList<(string Code, string Label)> ResolutionOutcomes =
    [
        ("advice-given", "Advice given"),
        ("medication-adjusted", "Medication adjusted"),
        ("appointment-booked", "Appointment booked"),
        ("referred", "Referred"),
        ("no-action-needed", "No action needed"),
        ("unreachable", "Patient unreachable"),
    ];

    public static string Outcome(string? code) =>
        CallOutcomes.Concat(ResolutionOutcomes).FirstOrDefault(o => o.Code == code).Label ?? (code is null ? "—" : ProcedureNames.Humanize(code));
}
