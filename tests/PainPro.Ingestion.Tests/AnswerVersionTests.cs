using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Responses;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// Answers are versions (issue 14): a revision by text, form or staff never overwrites, the latest version is scored,
/// and the alert follows the current answers — updated, its severity lower, or resolved by the system with a line
/// saying who revised what.
/// </summary>
public sealed class AnswerVersionTests
{
    private const string Phone = "+15551230001";

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sms_9_then_web_1_keeps_both_versions_scores_the_latest_and_resolves_the_alert_with_the_history_line(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var (enrollment, due) = await OpenDay3Async(h, baselineVas: 6);
        await h.TextAsync(Phone, "9");
        await h.TextAsync(Phone, "more");
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertStatuses.Open, AlertSeverities.High), (alert.Status, alert.Severity));

        await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 1), new Answer(ItemCodes.Analgesic, 1));

        var versions = await h.VersionsAsync(due.SurveyId);
        Assert.Equal([("vas", 9, "sms", true), ("analgesic", 3, "sms", true), ("vas", 1, "web", false), ("analgesic", 1, "web", false)],
            versions.Select(v => (v.Item, v.Value, v.Source, v.SupersededAt is not null)));
        Assert.All(versions.Where(v => v.SupersededAt is not null), v => Assert.True(v.SupersededAt >= v.AnsweredAt));
        var survey = (await h.SurveyAsync(due.SurveyId))!;
        Assert.Equal((1, AnalgesicChanges.Less, "partial"), (survey.Vas!.Value, survey.AnalgesicChange, survey.ConsensusClass));

        var resolved = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        const string line = "patient revised day-3 pain 9 → 1, pain medicine more → less on the web form; no rule fires";
        Assert.Equal((AlertStatuses.Resolved, "system", AlertOutcomes.AnswerRevised, line),
            (resolved.Status, resolved.ResolvedBy, resolved.Outcome, resolved.ResolutionNote));
        Assert.NotNull(resolved.AnswerChangedAt);
        var last = (await h.HistoryAsync(alert.Id)).Last();
        Assert.Equal((AlertActions.Resolved, "system", line, due.SurveyId), (last.Action, last.Actor, last.Note, last.SurveyId!.Value));
        var published = Assert.Single(await h.OutboxAsync<AlertResolved>());
        Assert.Equal((alert.Id, "system", AlertOutcomes.AnswerRevised, line), (published.AlertId, published.By, published.Outcome, published.Note));
        // The care team heard of the high alert once; better news is not a new notice.
        Assert.Single(await h.OutboxAsync<PainAlertRaised>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sms_answers_revised_by_staff_update_the_alert_whose_severity_falls(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var (enrollment, due) = await OpenDay3Async(h, baselineVas: 6);
        await h.TextAsync(Phone, "9");
        await h.TextAsync(Phone, "3");
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.NotNull(alert.HighSince);

        await h.AnswerAsync(due.SurveyId, ResponseSources.Staff, new Answer(ItemCodes.Vas, 5));

        var revised = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertStatuses.Open, AlertSeverities.Medium), (revised.Status, revised.Severity));
        Assert.Equal(["no-relief", "analgesic-escalation"], revised.Rules);
        Assert.Equal("Day 3 pain 5/10 vs 6/10 before the procedure — no relief: fell 1 (a response needs a fall of ≥ 2); analgesic escalation: taking more pain medicine while pain fell 1 (flagged unless it fell ≥ 2)", revised.Summary);
        Assert.Null(revised.HighSince); // no longer high: the escalation clock stops
        var last = (await h.HistoryAsync(alert.Id)).Last();
        Assert.Equal((AlertActions.Revised, AlertSeverities.Medium, revised.Summary),
            (last.Action, last.Severity, last.Summary));
        Assert.Equal("nurse.jo (staff) revised day-3 pain 9 → 5; now no-relief, analgesic-escalation (medium)", last.Note);
        Assert.Single(await h.OutboxAsync<PainAlertRaised>());
        Assert.Empty(await h.OutboxAsync<AlertResolved>());
        Assert.Equal([("vas", 9, true), ("analgesic", 3, false), ("vas", 5, false)],
            (await h.VersionsAsync(due.SurveyId)).Select(v => (v.Item, v.Value, v.SupersededAt is not null)));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_same_answer_twice_is_no_new_version_and_leaves_the_alert_alone(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var (enrollment, due) = await OpenDay3Async(h, baselineVas: 6);
        await h.TextAsync(Phone, "9");
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        var historyBefore = (await h.HistoryAsync(alert.Id)).Count;

        var recorded = await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 9), new Answer(ItemCodes.Analgesic, 2));

        Assert.Equal((1, 0), (recorded.Changed, recorded.Revisions.Count)); // only the analgesic answer is new
        Assert.Equal([("vas", 9, "sms", false), ("analgesic", 2, "web", false)],
            (await h.VersionsAsync(due.SurveyId)).Select(v => (v.Item, v.Value, v.Source, v.SupersededAt is not null)));
        Assert.Equal(historyBefore, (await h.HistoryAsync(alert.Id)).Count);
        Assert.Null(Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId)).AnswerChangedAt);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_answer_given_before_the_current_one_is_kept_as_an_earlier_version_and_never_scored(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var (_, due) = await OpenDay3Async(h, baselineVas: 6);
        var formAt = h.Clock.GetUtcNow();
        await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 1), new Answer(ItemCodes.Analgesic, 1));

        // A text sent a minute before the form, handled only now (it waited for its survey).
        var recorded = await h.AnswerAsync(due.SurveyId, ResponseSources.Sms, formAt.AddMinutes(-1), new Answer(ItemCodes.Vas, 9));

        Assert.Equal(0, recorded.Changed);
        var vas = (await h.VersionsAsync(due.SurveyId)).Where(v => v.Item == ItemCodes.Vas).ToList();
        Assert.Equal([(9, "sms", true), (1, "web", false)], vas.Select(v => (v.Value, v.Source, v.SupersededAt is not null)));
        Assert.Equal(vas[1].AnsweredAt, vas[0].SupersededAt);
        Assert.Equal(1, (await h.SurveyAsync(due.SurveyId))!.Vas);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_revision_that_makes_an_acknowledged_alert_worse_reopens_it_and_tells_the_care_team(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var (enrollment, due) = await OpenDay3Async(h, baselineVas: 6);
        await h.TextAsync(Phone, "5");
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        await h.Db.InTransactionAsync(s => s.ExecuteAsync("UPDATE alerts SET status = 'acknowledged' WHERE id = @Id", new { alert.Id }));

        await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 9), new Answer(ItemCodes.Analgesic, 2));

        var worse = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertStatuses.Open, AlertSeverities.High), (worse.Status, worse.Severity));
        Assert.Equal(AlertActions.Reopened, (await h.HistoryAsync(alert.Id)).Last().Action);
        Assert.Equal([AlertSeverities.Medium, AlertSeverities.High], (await h.OutboxAsync<PainAlertRaised>()).Select(m => m.Severity));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_revised_day_3_moves_the_rebound_that_month_1_raised(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var day3 = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);
        var month1 = Fixtures.SurveyDue(enrollment, Timepoints.Month1, Fixtures.VasAndAnalgesic, phone: Phone);
        await h.ApplyAsync(day3);
        await h.AnswerAsync(day3.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 2), new Answer(ItemCodes.Analgesic, 1));
        await h.ApplyAsync(month1);
        await h.AnswerAsync(month1.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 4), new Answer(ItemCodes.Analgesic, 2));
        Assert.Equal(["rebound"], Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId)).Rules);

        // Staff correct day 3: it was 4 all along, so month 1's 4 is no rebound.
        await h.AnswerAsync(day3.SurveyId, ResponseSources.Staff, new Answer(ItemCodes.Vas, 4));

        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertStatuses.Resolved, "nurse.jo (staff) revised day-3 pain 2 → 4; no rule fires"), (alert.Status, alert.ResolutionNote));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_revised_surveyed_baseline_judges_the_follow_up_alert_again(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: null);
        await h.ApplyAsync(enrollment);
        var baseline = Fixtures.SurveyDue(enrollment, Timepoints.Baseline, [InstrumentCodes.Vas], phone: Phone);
        await h.ApplyAsync(baseline);
        await h.AnswerAsync(baseline.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 3));
        var day3 = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);
        await h.ApplyAsync(day3);
        await h.AnswerAsync(day3.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 6), new Answer(ItemCodes.Analgesic, 2));
        Assert.Equal(["pain-progression", "no-relief"], Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId)).Rules);
        Assert.Equal("progression", (await h.SurveyAsync(day3.SurveyId))!.ConsensusClass);

        // The nurse learns the pain before the procedure was 8, not 3: day 3's 6 is a 2-point response.
        await h.AnswerAsync(baseline.SurveyId, ResponseSources.Staff, new Answer(ItemCodes.Vas, 8));

        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertStatuses.Resolved, "nurse.jo (staff) revised baseline pain 3 → 8; no rule fires"), (alert.Status, alert.ResolutionNote));
        Assert.Equal("partial", (await h.SurveyAsync(day3.SurveyId))!.ConsensusClass);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_survey_completed_after_a_revision_publishes_the_latest_values(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var (_, due) = await OpenDay3Async(h, baselineVas: 6);
        await h.TextAsync(Phone, "9");

        await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 3), new Answer(ItemCodes.Analgesic, 1));

        var completed = Assert.Single(await h.OutboxAsync<SurveyCompleted>());
        Assert.Equal((3, AnalgesicChanges.Less), (completed.Vas, completed.AnalgesicChange));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_text_after_the_form_revises_the_item_the_text_conversation_asked(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var (enrollment, due) = await OpenDay3Async(h, baselineVas: 6);
        await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 2), new Answer(ItemCodes.Analgesic, 1));

        // The survey text asked for pain; the patient answers it after filling in the form.
        var reply = await h.TextAsync(Phone, "8 😭");

        Assert.Equal(Fixtures.Then(ItemCodes.Vas, 8, ItemCodes.Analgesic), reply);
        Assert.Equal(8, (await h.SurveyAsync(due.SurveyId))!.Vas);
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal(AlertSeverities.High, alert.Severity);
        Assert.Equal([("vas", 2, "web", true), ("analgesic", 1, "web", false), ("vas", 8, "sms", false)],
            (await h.VersionsAsync(due.SurveyId)).Select(v => (v.Item, v.Value, v.Source, v.SupersededAt is not null)));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_text_and_a_form_answering_at_once_leave_one_current_answer_per_item_and_an_alert_that_matches_it(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        const int patients = 8;
        var surveys = new List<(EnrollmentCreated Enrollment, SurveyDue Due, string Phone)>();
        for (var i = 0; i < patients; i++)
        {
            var enrollment = Fixtures.Enrollment(baselineVas: 6);
            await h.ApplyAsync(enrollment);
            var phone = $"+1555123{i:D4}";
            var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: phone);
            await h.ApplyAsync(due);
            surveys.Add((enrollment, due, phone));
        }

        await Task.WhenAll(surveys.SelectMany(s => new Func<Task>[]
        {
            () => h.TextAsync(s.Phone, "9"),
            () => h.AnswerAsync(s.Due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 1), new Answer(ItemCodes.Analgesic, 1)),
        }).Select(work => Task.Run(work)));

        foreach (var (enrollment, due, _) in surveys)
        {
            var versions = await h.VersionsAsync(due.SurveyId);
            var current = versions.Where(v => v.SupersededAt is null).ToList();
            Assert.Equal(["analgesic", "vas"], current.Select(v => v.Item).Order());
            Assert.Equal(3, versions.Count); // 9 by text and 1 on the form, one current and one earlier, and one analgesic answer
            var vas = current.Single(v => v.Item == ItemCodes.Vas).Value;
            Assert.Equal(vas, (await h.SurveyAsync(due.SurveyId))!.Vas);
            // Whichever was given last is what the alert says: 9 leaves one open and high; 1 leaves none unresolved (the
            // form first: none raised; the text first: raised, then resolved by the system).
            var alerts = await h.AlertsAsync(enrollment.EnrollmentId);
            if (vas == 9)
                Assert.Equal((AlertStatuses.Open, AlertSeverities.High), Assert.Single(alerts) is var a ? (a.Status, a.Severity) : default);
            else
                Assert.All(alerts, a => Assert.Equal((AlertStatuses.Resolved, "system"), (a.Status, a.ResolvedBy)));
        }
    }

    private static async Task<(EnrollmentCreated Enrollment, SurveyDue Due)> OpenDay3Async(IngestionHarness h, int baselineVas)
    {
        var enrollment = Fixtures.Enrollment(baselineVas: baselineVas);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);
        await h.ApplyAsync(due);
        return (enrollment, due);
    }
}
