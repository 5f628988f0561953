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
