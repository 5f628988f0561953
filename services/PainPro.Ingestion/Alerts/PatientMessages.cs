using Dapper;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Alerts;

/// <summary><c>PainPro:Ingestion:PatientMessages</c>: what makes a patient's text urgent besides <see cref="UrgencyWords.BuiltIn"/>.</summary>
public sealed class PatientMessageOptions
{
    public const string Section = "PainPro:Ingestion:PatientMessages";

    /// <summary>More urgency words or phrases, in any language (compared like the built-in ones).</summary>
    public List<string> UrgentWords { get; set; } = [];
}

/// <summary>The enrollment a phone's text belongs to: its survey's (the open one, or the latest).</summary>
public sealed record PatientOfPhone(Guid EnrollmentId, Guid PatientId, Guid SurveyId, string Timepoint);

/// <summary>
/// The <c>patient-message</c> rule (DESIGN §6): a text that is neither an answer nor a keyword is put in front of a
/// person as an alert on its enrollment — a new low alert "Patient wrote: “…”", or added to the enrollment's open one
/// (its summary keeps what the other rules said and ends with the latest message). Urgency words make it high, which
/// notifies the care team like any rise in severity. A new message reopens an acknowledged alert: it is news a person
/// has not read.
/// </summary>
public sealed class PatientMessages(AlertBook alerts, IOptionsMonitor<PatientMessageOptions> options)
{
    /// <summary>How much of a text the alert's one-line summary quotes; the whole text is on the patient's page.</summary>
    public const int QuoteLength = 120;

    private const string Prefix = "Patient wrote: “";

    /// <summary>The urgency words in a text (built-in and configured).</summary>
    public IReadOnlyList<string> UrgencyOf(string? body) => UrgencyWords.Find(body, options.CurrentValue.UrgentWords);

    /// <summary>Raises or updates the enrollment's alert with the message; returns the alert's id.</summary>
    public Task<Guid> RaiseAsync(DbSession session, PatientOfPhone patient, string body, IReadOnlyList<string> urgent)
    {
        var severity = urgent.Count > 0 ? AlertSeverities.High : AlertSeverities.Low;
        var finding = new AlertFinding([AlertRules.PatientMessage], severity, Summary(body, urgent));
        return alerts.ApplyAsync(session, new AlertEvidence(patient.EnrollmentId, patient.PatientId, patient.SurveyId, patient.Timepoint,
            ConsensusClass: null, finding));
    }

    /// <summary>"Patient wrote: “7 please call me”", with "(urgent: fever)" when urgency words were found.</summary>
    public static string Summary(string body, IReadOnlyList<string> urgent)
    {
        var oneLine = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var quote = oneLine.Length <= QuoteLength ? oneLine : oneLine[..QuoteLength].TrimEnd() + "…";
        return $"{Prefix}{quote}”" + (urgent.Count > 0 ? $" (urgent: {string.Join(", ", urgent)})" : "");
    }

    /// <summary>
    /// One alert line from a rule's news and what the alert already says: a message joins the other rules' summary,
    /// other news keeps the latest message. The message part always comes last.
    /// </summary>
    public static string Merge(string? current, AlertFinding finding)
    {
        var (currentRules, currentMessage) = Split(current);
        if (finding.Rules.SequenceEqual([AlertRules.PatientMessage]))
            return currentRules is null ? finding.Summary : $"{currentRules}; {Lower(finding.Summary)}";
        return currentMessage is null ? finding.Summary : $"{finding.Summary}; {Lower(currentMessage)}";
    }

    /// <summary>The alert's summary without its message part (null when it is only a message), and the message part.</summary>
    public static (string? Rules, string? Message) Split(string? summary)
    {
        if (string.IsNullOrEmpty(summary)) return (null, null);
        if (summary.StartsWith(Prefix, StringComparison.Ordinal)) return (null, summary);
        var at = summary.IndexOf("; " + Lower(Prefix), StringComparison.Ordinal);
        return at < 0 ? (summary, null) : (summary[..at], Upper(summary[(at + 2)..]));
    }

    /// <summary>Whether any message behind the alert held an urgency word: a revision of the answers keeps it high.</summary>
    public static async Task<bool> AnyUrgentAsync(DbSession session, Guid alertId) =>
        await session.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM inbound_sms WHERE alert_id = @alertId AND urgent_words IS NOT NULL", new { alertId }) > 0;

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private static string Upper(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
