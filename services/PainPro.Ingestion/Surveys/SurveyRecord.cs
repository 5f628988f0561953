using PainPro.Contracts;
using PainPro.Instruments;

namespace PainPro.Ingestion.Surveys;

/// <summary>A survey as stored: what was sent, how it may be answered and its scores so far.</summary>
public sealed record SurveyRecord
{
    public const string Columns = """
        id AS Id, enrollment_id AS EnrollmentId, patient_id AS PatientId, timepoint AS Timepoint,
        instruments AS Instruments, items AS Items, channel AS Channel, locale AS Locale, phone AS Phone,
        token_protected AS TokenProtected, expires_at AS ExpiresAt, status AS Status, opened_at AS OpenedAt,
        completed_at AS CompletedAt, vas AS Vas, analgesic_change AS AnalgesicChange, msts_total AS MstsTotal,
        consensus_class AS ConsensusClass
        """;

    public Guid Id { get; init; }
    public Guid EnrollmentId { get; init; }
    public Guid PatientId { get; init; }
    public string Timepoint { get; init; } = "";
    public string Instruments { get; init; } = "";
    public string Items { get; init; } = "";
    public string Channel { get; init; } = "";
    public string Locale { get; init; } = InstrumentCatalog.DefaultLocale;
    public string? Phone { get; init; }
    public string? TokenProtected { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public string Status { get; init; } = SurveyRecordStatuses.Open;
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public int? Vas { get; init; }
    public string? AnalgesicChange { get; init; }
    public int? MstsTotal { get; init; }
    public string? ConsensusClass { get; init; }

    public IReadOnlyList<string> InstrumentCodes => Split(Instruments);

    /// <summary>The survey's items in asking order.</summary>
    public IReadOnlyList<ItemDefinition> ItemDefinitions =>
        [.. Split(Items).Select(code => InstrumentCatalog.TryGetItem(code, out var item) ? item : null).OfType<ItemDefinition>()];

    /// <summary>The MSTS variant the survey asks, if any.</summary>
    public string? MstsInstrument => InstrumentCodes.FirstOrDefault(code =>
        code is PainPro.Contracts.InstrumentCodes.MstsLower or PainPro.Contracts.InstrumentCodes.MstsUpper);

    public bool IsFollowUp => Timepoint != Timepoints.Baseline;

    /// <summary>Open for patients: not expired by status or by the clock.</summary>
    public bool AcceptsPatientAnswers(DateTimeOffset now) => Status != SurveyRecordStatuses.Expired && ExpiresAt > now;

    public static string Join(IEnumerable<string> codes) => string.Join(',', codes);

    private static IReadOnlyList<string> Split(string codes) =>
        codes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
