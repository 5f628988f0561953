using PainPro.Contracts;
using PainPro.Instruments;
using PainPro.Portal.Clients;

namespace PainPro.Portal.Patients;

/// <summary>One stored answer, with the words a nurse needs to read it, and the earlier answers it replaced (oldest first).</summary>
public sealed record TimelineAnswer(string Item, string Title, int Value, string Display, string Source, DateTimeOffset AnsweredAt)
{
    public IReadOnlyList<TimelineAnswer> Earlier { get; init; } = [];

    public bool Changed => Earlier.Count > 0;
}

/// <summary>One timepoint of an enrollment: its survey (if scheduled), its answers and what they add up to.</summary>
public sealed record TimelineEntry(
    string Timepoint,
    ScheduledSurvey? Survey,
    IReadOnlyList<TimelineAnswer> Answers,
    int? Vas,
    string? AnalgesicChange,
    MstsScore? Msts,
    ConsensusClass? Consensus);

/// <summary>
/// An enrollment's answers laid out by timepoint, from Scheduling's schedule and Ingestion's stored answers.
/// When an item was answered more than once (a revision by text, form or staff), the current answer counts, as in
/// Ingestion, and the earlier ones stay beside it.
/// </summary>
public sealed record PatientTimeline(int? BaselineVas, string? BaselineSource, IReadOnlyList<TimelineEntry> Entries)
{
    public static PatientTimeline Build(EnrollmentDetail? enrollment, IReadOnlyList<ResponseView> responses)
    {
        var latest = responses
            .GroupBy(r => (r.Timepoint, r.Item))
            .Select(g => (Response: Current(g), Versions: g.OrderBy(r => r.AnsweredAt).ToList()))
            .Select(g => (g.Response.Timepoint, Answer: Describe(g.Response) with
            {
                Earlier = [.. g.Versions.Where(r => !ReferenceEquals(r, g.Response)).Select(Describe)],
            }))
            .ToList();

        var surveyedBaseline = latest.FirstOrDefault(r => r.Timepoint == Timepoints.Baseline && r.Answer.Item == ItemCodes.Vas).Answer;
        var (baseline, source) = enrollment?.Baseline?.Vas is { } clinic
            ? (clinic, "recorded in clinic")
            : surveyedBaseline is not null ? (surveyedBaseline.Value, "surveyed") : ((int?)null, (string?)null);

        var entries = new List<TimelineEntry>();
        foreach (var timepoint in Timepoints.All.Concat(latest.Select(r => r.Timepoint)).Distinct())
        {
            var survey = enrollment?.Surveys.FirstOrDefault(s => s.Timepoint == timepoint);
            var answers = latest.Where(r => r.Timepoint == timepoint).Select(r => r.Answer)
                .OrderBy(a => ItemOrder(a.Item)).ThenBy(a => a.Item, StringComparer.Ordinal)
                .ToList();
            if (survey is null && answers.Count == 0) continue;

            int? vas = answers.FirstOrDefault(a => a.Item == ItemCodes.Vas)?.Value;
            var analgesic = answers.FirstOrDefault(a => a.Item == ItemCodes.Analgesic) is { Value: >= 1 and <= 3 } a
                ? Scoring.AnalgesicChange(a.Value)
                : null;
            var consensus = timepoint != Timepoints.Baseline && baseline is { } b && vas is { } v && IsVas(b) && IsVas(v)
                ? Scoring.Consensus(b, v, analgesic)
                : null;
            entries.Add(new TimelineEntry(timepoint, survey, answers, vas, analgesic, MstsOf(answers), consensus));
        }
        return new PatientTimeline(baseline, source, entries);
    }

    /// <summary>Points for the patient's VAS chart: every follow-up timepoint, and baseline when it was surveyed.</summary>
    public IReadOnlyList<(string Label, int? Vas)> ChartPoints =>
    [
        .. Timepoints.All.Select(t => (TimepointNames.Label(t),
            t == Timepoints.Baseline ? BaselineVas : Entries.FirstOrDefault(e => e.Timepoint == t)?.Vas)),
    ];

    private static bool IsVas(int value) => InstrumentCatalog.Vas.Accepts(value);

    /// <summary>
    /// The item's current answer: the one Ingestion has not superseded (the latest of those, should there be several),
    /// else — from a service that does not say — the latest given.
    /// </summary>
    private static ResponseView Current(IEnumerable<ResponseView> versions) =>
        versions.Where(r => r.SupersededAt is null).MaxBy(r => r.AnsweredAt) ?? versions.MaxBy(r => r.AnsweredAt)!;

    private static MstsScore? MstsOf(IReadOnlyList<TimelineAnswer> answers)
    {
        var msts = answers.Where(a => ItemCodes.IsMsts(a.Item)).ToDictionary(a => a.Item, a => a.Value);
        if (msts.Count == 0 || msts.Values.Any(v => v is < 0 or > InstrumentCatalog.MstsItemMax)) return null;
        // The variant shows in its own items: supports/walking/gait are lower extremity, the rest upper.
        var lower = msts.ContainsKey(ItemCodes.MstsSupports) || msts.ContainsKey(ItemCodes.MstsWalking) || msts.ContainsKey(ItemCodes.MstsGait);
        return Scoring.Msts(msts, lower ? InstrumentCodes.MstsLower : InstrumentCodes.MstsUpper);
    }

    private static readonly Dictionary<string, int> SurveyOrder =
        InstrumentCatalog.AllItems.Select((item, index) => (item.Code, index)).ToDictionary(x => x.Code, x => x.index);

    private static int ItemOrder(string item) => SurveyOrder.GetValueOrDefault(item, int.MaxValue);

    private static TimelineAnswer Describe(ResponseView r)
    {
        if (!InstrumentCatalog.TryGetItem(r.Item, out _))
            return new TimelineAnswer(r.Item, r.Item, r.Value, r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Source, r.AnsweredAt);
        var text = InstrumentTexts.For(r.Item, "en");
        var display = r.Item == ItemCodes.Vas
            ? $"{r.Value}/10"
            : text.AnchorFor(r.Value) is { } anchor ? $"{r.Value} – {anchor}" : r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new TimelineAnswer(r.Item, text.Title, r.Value, display, r.Source, r.AnsweredAt);
    }
}

/// <summary>The model of the timeline partial: a timeline, how to show times, and a prefix for element ids.</summary>
public sealed record TimelineView(PatientTimeline Timeline, Web.DisplayTime Time, string Id);
