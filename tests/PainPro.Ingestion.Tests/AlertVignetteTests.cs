using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Responses;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The trajectory vignettes, twice: against the pure rules (every vignette, fast) and through the real answer path
/// on a database, where the nurse resolves each alert before the next timepoint so each timepoint's alert shows alone.
/// </summary>
public sealed class AlertVignetteTests
{
    [Theory, MemberData(nameof(Vignettes.Names), MemberType = typeof(Vignettes))]
    public void Rules_and_consensus_per_timepoint_match_the_vignette(string name)
    {
        var vignette = Vignettes.Named(name);
        var answered = new List<TimepointAnswers>();
        foreach (var (visit, expected) in vignette.Visits.Zip(vignette.Expectations))
        {
            answered.Add(new TimepointAnswers(visit.Timepoint, visit.Vas, Scoring.AnalgesicChange(visit.Analgesic), visit.MstsTotal));
            var finding = AlertRules.Evaluate(new Trajectory(vignette.Baseline, answered), visit.Timepoint, new AlertThresholds());
            var consensus = vignette.Baseline is { } b ? Scoring.Consensus(b, visit.Vas, Scoring.AnalgesicChange(visit.Analgesic))?.ToCode() : null;

            Assert.Equal(expected, new Expected(visit.Timepoint, [.. finding?.Rules ?? []], finding?.Severity, finding?.Summary, consensus), ExpectedComparer.Instance);
        }
    }

    [Theory, MemberData(nameof(Vignettes.Names), MemberType = typeof(Vignettes))]
    public void Every_clause_of_a_summary_names_its_rule_and_threshold(string name)
    {
        var vignette = Vignettes.Named(name);
        foreach (var expected in vignette.Expectations.Where(e => e.Summary is not null))
        {
            var clauses = expected.Summary![(expected.Summary!.IndexOf(" — ", StringComparison.Ordinal) + 3)..].Split("; ");
            Assert.Equal(expected.Rules.Length, clauses.Length);
            foreach (var (rule, clause) in expected.Rules.Zip(clauses))
            {
                Assert.StartsWith(rule.Replace('-', ' ') + ": ", clause);
                Assert.Matches(@"\((flag at|a response needs a fall of|flagged unless it fell) ≥ \d+\)$", clause);
            }
        }
    }

    [Fact]
    public void An_analgesic_only_alert_does_not_borrow_the_no_relief_wording()
    {
        var finding = AlertRules.Evaluate(new Trajectory(3, [new TimepointAnswers(Timepoints.Day3, 3, AnalgesicChanges.More, null)]),
            Timepoints.Day3, new AlertThresholds())!;

        Assert.Equal([AlertRules.AnalgesicEscalation], finding.Rules);
        Assert.DoesNotContain("no relief", finding.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("response", finding.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("taking more pain medicine", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unanswered_survey_reads_survey_not_answered()
    {
        Assert.Equal("Day 3 — survey not answered before its window closed", AlertRules.NoAnswer(Timepoints.Day3).Summary);
    }

    [Fact]
    public void Milder_news_is_led_by_what_set_the_severity_and_news_of_that_severity_speaks_for_itself()
    {
        var thresholds = new AlertThresholds();
        var day3 = new TimepointAnswers(Timepoints.Day3, 9, AnalgesicChanges.Same, null);
        var high = AlertRules.Evaluate(new Trajectory(8, [day3]), Timepoints.Day3, thresholds)!;
        var medium = AlertRules.Evaluate(new Trajectory(8, [day3, new TimepointAnswers(Timepoints.Month1, 7, AnalgesicChanges.Same, 20)]),
            Timepoints.Month1, thresholds)!;

        Assert.Equal(("high", "Day 3 pain 9/10 vs 8/10 before the procedure — severe pain: 9/10 (flag at ≥ 8)"), (high.Severity, high.SeverityBasis));
        Assert.Equal("HIGH since day 3 pain 9/10 vs 8/10 before the procedure — severe pain: 9/10 (flag at ≥ 8). "
            + "Latest: Month 1 pain 7/10 vs 8/10 before the procedure — no relief: fell 1 (a response needs a fall of ≥ 2)",
            AlertRules.Compose(AlertSeverities.High, high.SeverityBasis, medium));
        Assert.Equal(high.Summary, AlertRules.Compose(AlertSeverities.High, high.SeverityBasis, high));
    }

    [Theory, MemberData(nameof(Vignettes.Names), MemberType = typeof(Vignettes))]
    public async Task Answers_recorded_through_the_service_raise_the_vignettes_alerts_and_classes(string name)
    {
        var vignette = Vignettes.Named(name);
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite);
        var enrollment = Fixtures.Enrollment(baselineVas: vignette.BaselineBySurvey ? null : vignette.Baseline);
        await h.ApplyAsync(enrollment);
        if (vignette.BaselineBySurvey)
        {
            var baselineSurvey = Fixtures.SurveyDue(enrollment, Timepoints.Baseline, [InstrumentCodes.Vas]);
            await h.ApplyAsync(baselineSurvey);
            await h.AnswerAsync(baselineSurvey.SurveyId, ResponseSources.Sms, new Answer(ItemCodes.Vas, vignette.Baseline!.Value));
        }

        foreach (var (visit, expected) in vignette.Visits.Zip(vignette.Expectations))
        {
            var due = Fixtures.SurveyDue(enrollment, visit.Timepoint, visit.MstsTotal is null ? Fixtures.VasAndAnalgesic : Fixtures.WithMstsLower);
            await h.ApplyAsync(due);
            await h.AnswerAsync(due.SurveyId, ResponseSources.Web, [.. AnswersOf(visit)]);

            var alert = (await h.AlertsAsync(enrollment.EnrollmentId)).SingleOrDefault(a => a.Status != AlertStatuses.Resolved);
            var survey = await h.SurveyAsync(due.SurveyId);
            Assert.Equal(expected,
                new Expected(visit.Timepoint, [.. alert?.Rules ?? []], alert?.Severity, alert?.Summary, survey!.ConsensusClass), ExpectedComparer.Instance);
            if (alert is not null)
                await h.Db.InTransactionAsync(s => s.ExecuteAsync("UPDATE alerts SET status = 'resolved' WHERE id = @Id", new { alert.Id }));
        }
        var raised = await h.OutboxAsync<PainAlertRaised>();
        Assert.Equal(vignette.Expectations.Count(e => e.Severity is not null), raised.Count);
    }

    /// <summary>A visit's answers; an MSTS total is spread over the six items, fives first.</summary>
    internal static IEnumerable<Answer> AnswersOf(Visit visit)
    {
        yield return new Answer(ItemCodes.Vas, visit.Vas);
        yield return new Answer(ItemCodes.Analgesic, visit.Analgesic);
        if (visit.MstsTotal is not { } total) yield break;
        var left = total;
        foreach (var item in InstrumentCatalog.ItemsOf(InstrumentCodes.MstsLower))
        {
            var value = Math.Min(5, left);
            left -= value;
            yield return new Answer(item.Code, value);
        }
    }

    /// <summary>Compares the rule lists by content, so a failure message shows both whole expectations.</summary>
    private sealed class ExpectedComparer : IEqualityComparer<Expected>
    {
        public static readonly ExpectedComparer Instance = new();

        public bool Equals(Expected? x, Expected? y) =>
            x is not null && y is not null && x.Timepoint == y.Timepoint && x.Rules.SequenceEqual(y.Rules) &&
            x.Severity == y.Severity && x.Summary == y.Summary && x.Consensus == y.Consensus;

        public int GetHashCode(Expected obj) => obj.Timepoint.GetHashCode();
    }
}
