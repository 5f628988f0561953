using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Alerts;

/// <summary>One survey's scores as stored beside its answers.</summary>
public sealed record SurveyScores(Guid SurveyId, string Timepoint, int? Vas, string? AnalgesicChange, int? MstsTotal);

/// <summary>
/// What answering a survey needs to know of its enrollment, read in one query: the enrollment's baseline and MRN
/// suffix, and every survey's scores in the order they were opened. The consensus class needs the baseline, the alert
/// rules the whole <see cref="Trajectory"/>, <see cref="PainAlertRaised"/> the MRN suffix.
/// </summary>
/// <param name="EnrollmentBaseline">The enrollment's baseline VAS (clinic-entered, or a surveyed one recorded on it).</param>
/// <param name="MrnLast4">The MRN's last four digits; null also when the enrollment has not arrived yet.</param>
public sealed record EnrollmentHistory(int? EnrollmentBaseline, string? MrnLast4, IReadOnlyList<SurveyScores> Surveys)
{
    /// <summary>
    /// The enrollment's unresolved alert as read with this history, when it was (<see cref="UnresolvedRead"/>): the
    /// alert rules' next step needs it, and reading it in the same round trip spares one.
    /// </summary>
    public AlertRecord? Unresolved { get; init; }

    /// <summary><see cref="Unresolved"/> was read with the history (null then means there is none).</summary>
    public bool UnresolvedRead { get; init; }

    /// <summary>The enrollment's baseline, else the latest answered baseline survey's VAS.</summary>
    public int? Baseline => EnrollmentBaseline
        ?? Surveys.LastOrDefault(s => s.Timepoint == Timepoints.Baseline && s.Vas is not null)?.Vas;

    /// <summary>The baseline and, per follow-up timepoint, its latest survey's scores.</summary>
    public Trajectory Trajectory => new(Baseline, Surveys
        .Where(s => s.Timepoint != Timepoints.Baseline)
        .GroupBy(s => s.Timepoint)
        .Select(g => g.Last())
        .Select(s => new TimepointAnswers(s.Timepoint, s.Vas, s.AnalgesicChange, s.MstsTotal))
        .ToList());

    /// <summary>
    /// The enrollment's history as its surveys find it: the enrollment row is joined to them, so an enrollment this
    /// service has no survey of yet reads as empty. Callers ask on behalf of a survey they hold.
    /// </summary>
    public static async Task<EnrollmentHistory> LoadAsync(DbSession session, Guid enrollmentId) =>
        From([.. await session.QueryAsync<Row>(Select("@enrollmentId"), new { enrollmentId })]);

    /// <summary>The history's query for the enrollment <paramref name="enrollmentId"/> names (a parameter or a subquery); rows for <see cref="From"/>.</summary>
    internal static string Select(string enrollmentId) => $"""
        SELECT s.id AS SurveyId, s.timepoint AS Timepoint, s.vas AS Vas, s.analgesic_change AS AnalgesicChange,
               s.msts_total AS MstsTotal, e.baseline_vas AS EnrollmentBaseline, e.mrn_last4 AS MrnLast4
        FROM surveys s LEFT JOIN enrollments e ON e.id = s.enrollment_id
        WHERE s.enrollment_id = {enrollmentId}
        ORDER BY s.opened_at, s.id
        """;

    internal static EnrollmentHistory From(IReadOnlyList<Row> rows)
    {
        var enrollment = rows.FirstOrDefault();
        return new EnrollmentHistory(enrollment?.EnrollmentBaseline, enrollment?.MrnLast4,
            [.. rows.Select(r => new SurveyScores(r.SurveyId, r.Timepoint, r.Vas, r.AnalgesicChange, r.MstsTotal))]);
    }

    /// <summary>This history after <paramref name="scores"/> were written in the same transaction.</summary>
    public EnrollmentHistory With(SurveyScores scores) =>
        this with { Surveys = [.. Surveys.Select(s => s.SurveyId == scores.SurveyId ? scores : s)] };

    /// <summary>This history with the enrollment's unresolved alert as read in the same round trip.</summary>
    public EnrollmentHistory WithUnresolved(AlertRecord? unresolved) => this with { Unresolved = unresolved, UnresolvedRead = true };

    internal sealed record Row
    {
        public Guid SurveyId { get; init; }
        public string Timepoint { get; init; } = "";
        public int? Vas { get; init; }
        public string? AnalgesicChange { get; init; }
        public int? MstsTotal { get; init; }
        public int? EnrollmentBaseline { get; init; }
        public string? MrnLast4 { get; init; }
    }
}
