using Microsoft.Extensions.Options;
using PainPro.Contracts;

namespace PainPro.Scheduling.Protocols;

/// <summary>
/// One timepoint of a survey protocol. Due and close are calendar days after the procedure's local date, at its
/// local time of day; reminders are elapsed time after the first send. <c>baseline</c> ignores the day counts:
/// it is due at enrollment and closes at the procedure.
/// </summary>
public sealed record TimepointRule(
    string Timepoint,
    int DueAfterDays,
    int ClosesAfterDays,
    IReadOnlyList<TimeSpan> Reminders,
    IReadOnlyList<string> Instruments)
{
    /// <summary>The placeholder for "the MSTS variant of the body site".</summary>
    public const string Msts = "msts";

    /// <summary>Instrument codes for a treated site: <c>msts</c> becomes the site's variant, or is dropped.</summary>
    public IReadOnlyList<string> InstrumentsFor(string bodySite) =>
        Instruments
            .Select(code => code == Msts ? BodySites.MstsVariant(bodySite) : code)
            .OfType<string>()
            .Distinct()
            .ToList();
}

public sealed record Protocol(string ProcedureType, IReadOnlyList<TimepointRule> Timepoints);

/// <summary>Survey protocols per procedure type: DESIGN §4 unless configuration says otherwise.</summary>
public sealed class ProtocolCatalog
{
    /// <summary>The protocol of DESIGN §4.</summary>
    public static readonly IReadOnlyList<TimepointRule> Default =
    [
        new(Timepoints.Baseline, 0, 0, [TimeSpan.FromHours(12)], [InstrumentCodes.Vas]),
        new(Timepoints.Day3, 3, 5, [TimeSpan.FromHours(24)], [InstrumentCodes.Vas, InstrumentCodes.Analgesic]),
        new(Timepoints.Month1, 30, 37, [TimeSpan.FromHours(48), TimeSpan.FromHours(96)], [InstrumentCodes.Vas, InstrumentCodes.Analgesic, TimepointRule.Msts]),
        new(Timepoints.Month3, 90, 104, [TimeSpan.FromHours(48), TimeSpan.FromHours(96)], [InstrumentCodes.Vas, InstrumentCodes.Analgesic, TimepointRule.Msts]),
    ];

    private static readonly HashSet<string> KnownInstruments =
        [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower, InstrumentCodes.MstsUpper, TimepointRule.Msts];

    private readonly Dictionary<string, Protocol> protocols;

    public ProtocolCatalog(IOptions<SchedulingOptions> options)
    {
        var configured = options.Value.Protocols.ToDictionary(p => ProcedureTypes.Normalize(p.Key), p => p.Value);
        protocols = ProcedureTypes.BuiltIn.Concat(configured.Keys).Distinct()
            .ToDictionary(type => type, type => new Protocol(type, Build(type, configured.GetValueOrDefault(type))));
    }

    /// <summary>Built-in types and any configured ones, sorted, for error messages.</summary>
    public IReadOnlyList<string> KnownProcedureTypes => [.. protocols.Keys.Order()];

    public bool IsKnown(string normalizedProcedureType) => protocols.ContainsKey(normalizedProcedureType);

    public Protocol For(string normalizedProcedureType) =>
        protocols.TryGetValue(normalizedProcedureType, out var protocol)
            ? protocol
            : throw new ArgumentException($"Unknown procedure type '{normalizedProcedureType}'.", nameof(normalizedProcedureType));

    private static List<TimepointRule> Build(string procedureType, Dictionary<string, TimepointOptions>? overrides)
    {
        if (overrides is null) return [.. Default];
        var byTimepoint = overrides.ToDictionary(o => o.Key.Trim().ToLowerInvariant(), o => o.Value);
        var unknown = byTimepoint.Keys.Except(Timepoints.All).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException(
                $"{SchedulingOptions.Section}:Protocols:{procedureType} names unknown timepoints ({string.Join(", ", unknown)}); use {string.Join(", ", Timepoints.All)}.");

        var rules = new List<TimepointRule>();
        foreach (var rule in Default)
        {
            if (!byTimepoint.TryGetValue(rule.Timepoint, out var o)) { rules.Add(rule); continue; }
            if (o.Enabled == false) continue;

            var merged = rule with
            {
                DueAfterDays = o.DueAfterDays ?? rule.DueAfterDays,
                ClosesAfterDays = o.ClosesAfterDays ?? rule.ClosesAfterDays,
                Reminders = o.RemindersAfterHours?.Select(TimeSpan.FromHours).Order().ToList() ?? rule.Reminders,
                Instruments = o.Instruments?.Select(i => i.Trim().ToLowerInvariant()).ToList() ?? rule.Instruments,
            };
            Validate(procedureType, merged);
            rules.Add(merged);
        }
        return rules;
    }

    private static void Validate(string procedureType, TimepointRule rule)
    {
        var where = $"{SchedulingOptions.Section}:Protocols:{procedureType}:{rule.Timepoint}";
        if (rule.Timepoint != Timepoints.Baseline && (rule.DueAfterDays < 0 || rule.ClosesAfterDays <= rule.DueAfterDays))
            throw new InvalidOperationException($"{where}: ClosesAfterDays must be after DueAfterDays, both not negative.");
        if (rule.Reminders.Any(r => r <= TimeSpan.Zero))
            throw new InvalidOperationException($"{where}: RemindersAfterHours must be positive.");
        if (rule.Instruments.Count == 0 || rule.Instruments.Any(i => !KnownInstruments.Contains(i)))
            throw new InvalidOperationException(
                $"{where}: Instruments must be one or more of {string.Join(", ", KnownInstruments)}.");
    }
}
