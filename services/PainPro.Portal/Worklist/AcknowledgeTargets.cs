using PainPro.Contracts;

namespace PainPro.Portal.Worklist;

/// <summary>
/// How soon an alert should be acknowledged, by severity (<c>PainPro:Portal:AcknowledgeTargets</c>).
/// High defaults to 1 h, well inside Ingestion's 4 h escalation, so the worklist flags it before anyone is paged.
/// </summary>
public sealed class AcknowledgeTargets
{
    public static readonly IReadOnlyDictionary<string, TimeSpan> Defaults = new Dictionary<string, TimeSpan>
    {
        [AlertSeverities.High] = TimeSpan.FromHours(1),
        [AlertSeverities.Medium] = TimeSpan.FromHours(4),
        [AlertSeverities.Low] = TimeSpan.FromHours(24),
    };

    private readonly Dictionary<string, TimeSpan> targets;

    public AcknowledgeTargets(IReadOnlyDictionary<string, TimeSpan>? configured = null)
    {
        targets = new Dictionary<string, TimeSpan>(Defaults, StringComparer.OrdinalIgnoreCase);
        foreach (var (severity, target) in configured ?? new Dictionary<string, TimeSpan>())
            if (target > TimeSpan.Zero) targets[severity] = target;
    }

    /// <summary>An unknown severity gets the strictest target rather than none.</summary>
    public TimeSpan For(string severity) => targets.TryGetValue(severity, out var target) ? target : targets.Values.Min();
}
