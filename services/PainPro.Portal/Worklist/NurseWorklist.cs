using PainPro.Contracts;
using PainPro.Portal.Clients;

namespace PainPro.Portal.Worklist;

/// <summary>The worklist's filters; empty means "any".</summary>
public sealed record WorklistFilter(string? Severity = null, string? Facility = null, string? ProcedureType = null, bool IncludeAcknowledged = true);

/// <summary>One alert as the worklist shows it, with what the nurse needs to triage it.</summary>
public sealed record WorklistRow(AlertView Alert, PatientRecord? Patient, TimeSpan Age, TimeSpan Target, bool PastTarget)
{
    public bool IsAcknowledged => Alert.Status == "acknowledged";
}

public sealed record WorklistView(IReadOnlyList<WorklistRow> Rows, IReadOnlyList<string> Facilities, IReadOnlyList<string> ProcedureTypes);

/// <summary>
/// Orders and filters unresolved alerts: high first, then oldest first, so the longest-waiting of the most
/// urgent is always on top. An alert is past its target when it is still unacknowledged after the target for
/// its severity.
/// </summary>
public static class NurseWorklist
{
    public static WorklistView Build(
        IEnumerable<AlertView> alerts,
        IReadOnlyDictionary<Guid, PatientRecord> patients,
        WorklistFilter filter,
        AcknowledgeTargets targets,
        DateTimeOffset now)
    {
        var unresolved = alerts.Where(a => a.Status is "open" or "acknowledged").DistinctBy(a => a.AlertId).ToList();
        // Offer every facility and procedure present, not only those left after filtering, so a filter can be widened.
        var facilities = unresolved.Select(a => a.Facility).OfType<string>().Where(f => f.Length > 0).Distinct().Order(StringComparer.OrdinalIgnoreCase).ToList();
        var procedures = unresolved.Select(a => a.ProcedureType).OfType<string>().Where(p => p.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();

        var rows = unresolved
            .Where(a => Matches(a.Severity, filter.Severity)
                && Matches(a.Facility, filter.Facility)
                && Matches(a.ProcedureType, filter.ProcedureType)
                && (filter.IncludeAcknowledged || a.Status == "open"))
            .OrderByDescending(a => AlertSeverities.Rank(a.Severity))
            .ThenBy(a => a.RaisedAt)
            .ThenBy(a => a.AlertId)
            .Select(a =>
            {
                var age = now - a.RaisedAt;
                if (age < TimeSpan.Zero) age = TimeSpan.Zero;
                var target = targets.For(a.Severity);
                return new WorklistRow(a, patients.GetValueOrDefault(a.PatientId), age, target, a.Status == "open" && age > target);
            })
            .ToList();
        return new WorklistView(rows, facilities, procedures);
    }

    private static bool Matches(string? value, string? wanted) =>
        string.IsNullOrEmpty(wanted) || string.Equals(value, wanted, StringComparison.OrdinalIgnoreCase);

    /// <summary>"just now", "45 min ago", "2 d 4 h ago".</summary>
    public static string FormatAgo(TimeSpan age) => age < TimeSpan.FromMinutes(1) ? "just now" : FormatAge(age) + " ago";

    /// <summary>"45 min", "3 h 20 min", "2 d 4 h": short enough for a phone-width row.</summary>
    public static string FormatAge(TimeSpan age)
    {
        if (age < TimeSpan.FromMinutes(1)) return "under a minute";
        if (age < TimeSpan.FromHours(1)) return $"{(int)age.TotalMinutes} min";
        if (age < TimeSpan.FromDays(1)) return age.Minutes == 0 ? $"{(int)age.TotalHours} h" : $"{(int)age.TotalHours} h {age.Minutes} min";
        return age.Hours == 0 ? $"{(int)age.TotalDays} d" : $"{(int)age.TotalDays} d {age.Hours} h";
    }
}
