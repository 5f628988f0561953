using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Responses;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>One alert per enrollment, updated by evidence; no-response on expiry; escalation of unacknowledged high alerts.</summary>
public sealed class AlertLifecycleTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task New_evidence_updates_the_one_open_alert_and_its_severity_only_rises(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);

        await AnswerAsync(h, enrollment, Timepoints.Day3, vas: 5, analgesic: 2);   // no-relief, medium
        await AnswerAsync(h, enrollment, Timepoints.Month1, vas: 9, analgesic: 2);  // progression, rebound, severe: high
        await AnswerAsync(h, enrollment, Timepoints.Month3, vas: 5, analgesic: 2);  // no-relief again, medium

        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal(["pain-progression", "no-relief", "rebound", "severe-pain"], alert.Rules);
        Assert.Equal(AlertSeverities.High, alert.Severity);
        Assert.Equal(Timepoints.Month3, alert.Timepoint);
        Assert.Equal("HIGH since month 1 pain 9/10 vs 6/10 before the procedure — pain progression: up 3 (flag at ≥ 2); severe pain: 9/10 (flag at ≥ 8). "
            + "Latest: Month 3 pain 5/10 vs 6/10 before the procedure — no relief: fell 1 (a response needs a fall of ≥ 2)", alert.Summary);
        Assert.Equal([AlertActions.Raised, AlertActions.Updated, AlertActions.Updated],
            (await h.HistoryAsync(alert.Id)).Select(e => e.Action));
        // Told once when raised and once when it became high; not again for news that is no worse.
        Assert.Equal([AlertSeverities.Medium, AlertSeverities.High], (await h.OutboxAsync<PainAlertRaised>()).Select(m => m.Severity));
    }

    [Fact]
    public async Task An_acknowledged_alert_that_gets_worse_is_open_again()
    {
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        await AnswerAsync(h, enrollment, Timepoints.Day3, vas: 5, analgesic: 2);
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        await h.Db.InTransactionAsync(s => s.ExecuteAsync("UPDATE alerts SET status = 'acknowledged' WHERE id = @Id", new { alert.Id }));

        await AnswerAsync(h, enrollment, Timepoints.Month1, vas: 8, analgesic: 2);

        var reopened = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertStatuses.Open, AlertSeverities.High), (reopened.Status, reopened.Severity));
        Assert.Equal(AlertActions.Reopened, (await h.HistoryAsync(alert.Id)).Last().Action);
    }

    [Fact]
    public async Task After_resolution_new_evidence_raises_a_new_alert()
    {
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        await AnswerAsync(h, enrollment, Timepoints.Day3, vas: 5, analgesic: 2);
        var first = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        await h.Db.InTransactionAsync(s => s.ExecuteAsync("UPDATE alerts SET status = 'resolved' WHERE id = @Id", new { first.Id }));

        await AnswerAsync(h, enrollment, Timepoints.Month1, vas: 5, analgesic: 2);

        var alerts = await h.AlertsAsync(enrollment.EnrollmentId);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(Timepoints.Month1, alerts.Single(a => a.Status == AlertStatuses.Open).Timepoint);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_survey_that_expires_unanswered_raises_a_low_no_response_alert_and_stops_taking_texts(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment();
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Month1, Fixtures.WithMstsLower);
        await h.ApplyAsync(due);

        await h.ApplyAsync(new SurveyExpired(due.SurveyId, enrollment.EnrollmentId, Timepoints.Month1));
        var reply = await h.TextAsync("+15551230001", "3");
        await h.PassTheHoldAsync();

        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((["no-response"], AlertSeverities.Low, "Month 1 — survey not answered before its window closed"),
            ((IEnumerable<string>)alert.Rules, alert.Severity, alert.Summary), TupleComparer);
        Assert.Null(reply); // no survey open: the text waits for one, then hears there is none
        Assert.Equal(InstrumentTexts.NoOpenSurvey("en"), Assert.Single(await h.OutboxAsync<SendSmsReply>()).Body);
        Assert.Equal("expired", (await h.SurveyAsync(due.SurveyId))!.Status);
    }

    [Fact]
    public async Task A_partly_answered_survey_just_closes_when_it_expires()
    {
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite);
        var enrollment = Fixtures.Enrollment(baselineVas: 5);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic);
        await h.ApplyAsync(due);
        await h.TextAsync("+15551230001", "2");

        await h.ApplyAsync(new SurveyExpired(due.SurveyId, enrollment.EnrollmentId, Timepoints.Day3));

        Assert.Empty(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal("expired", (await h.SurveyAsync(due.SurveyId))!.Status);
    }

    [Fact]
    public async Task A_late_reminder_refreshes_an_open_survey_but_never_reopens_a_completed_one()
    {
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite);
        var enrollment = Fixtures.Enrollment(baselineVas: 5);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: "+15551230001");
        await h.ApplyAsync(due);

        await h.ApplyAsync(due with { Attempt = 1, Contact = due.Contact with { Phone = "+15551230002" } });
        await h.TextAsync("+15551230002", "2");
        await h.TextAsync("+15551230002", "1");
        await h.ApplyAsync(due with { Attempt = 2 });

        var survey = await h.SurveyAsync(due.SurveyId);
        Assert.Equal(("completed", "+15551230002"), (survey!.Status, survey.Phone));
        Assert.Single(await h.OutboxAsync<SurveyCompleted>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_high_alert_unacknowledged_for_four_hours_is_escalated_once(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 5);
        await h.ApplyAsync(enrollment);
        await AnswerAsync(h, enrollment, Timepoints.Day3, vas: 9, analgesic: 2);

        h.Clock.Advance(TimeSpan.FromHours(3.9));
        var early = await h.Escalation.RunDueAsync(CancellationToken.None);
        h.Clock.Advance(TimeSpan.FromHours(0.2));
        var due = await h.Escalation.RunDueAsync(CancellationToken.None);
        var again = await h.Escalation.RunDueAsync(CancellationToken.None);

        Assert.Equal((0, 1, 0), (early, due, again));
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.NotNull(alert.EscalatedAt);
        Assert.Equal([false, true], (await h.OutboxAsync<PainAlertRaised>()).Select(m => m.Escalated));
        Assert.Equal(AlertActions.Escalated, (await h.HistoryAsync(alert.Id)).Last().Action);
    }

    [Fact]
    public async Task Acknowledged_and_medium_alerts_are_not_escalated_and_the_delay_is_configurable()
    {
        var options = new IngestionOptions { Alerts = { EscalateAfter = TimeSpan.FromHours(1) } };
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite, options);
        var acknowledged = Fixtures.Enrollment(baselineVas: 5);
        var medium = Fixtures.Enrollment(baselineVas: 5, bodySite: "tibia");
        var high = Fixtures.Enrollment(baselineVas: 5, bodySite: "humerus");
        foreach (var e in new[] { acknowledged, medium, high }) await h.ApplyAsync(e);
        await AnswerAsync(h, acknowledged, Timepoints.Day3, vas: 9, analgesic: 2);
        await AnswerAsync(h, medium, Timepoints.Day3, vas: 5, analgesic: 2, phone: "+15551230002");
        await AnswerAsync(h, high, Timepoints.Day3, vas: 9, analgesic: 2, phone: "+15551230003");
        var ack = Assert.Single(await h.AlertsAsync(acknowledged.EnrollmentId));
        await h.Db.InTransactionAsync(s => s.ExecuteAsync("UPDATE alerts SET status = 'acknowledged' WHERE id = @Id", new { ack.Id }));

        h.Clock.Advance(TimeSpan.FromMinutes(61));
        var escalated = await h.Escalation.RunDueAsync(CancellationToken.None);

        Assert.Equal(1, escalated);
        Assert.NotNull(Assert.Single(await h.AlertsAsync(high.EnrollmentId)).EscalatedAt);
        Assert.Null(Assert.Single(await h.AlertsAsync(medium.EnrollmentId)).EscalatedAt);
        Assert.Null(Assert.Single(await h.AlertsAsync(acknowledged.EnrollmentId)).EscalatedAt);
    }

    [Fact]
    public async Task Thresholds_come_from_configuration()
    {
        var options = new IngestionOptions { Alerts = { Severe = 9, NoReliefMin = 9 } };
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite, options);
        var enrollment = Fixtures.Enrollment(baselineVas: 8);
        await h.ApplyAsync(enrollment);

        await AnswerAsync(h, enrollment, Timepoints.Day3, vas: 8, analgesic: 2);

        Assert.Empty(await h.AlertsAsync(enrollment.EnrollmentId));
    }

    private static async Task AnswerAsync(IngestionHarness h, EnrollmentCreated enrollment, string timepoint, int vas, int analgesic,
        string phone = "+15551230001")
    {
        var due = Fixtures.SurveyDue(enrollment, timepoint, Fixtures.VasAndAnalgesic, phone: phone);
        await h.ApplyAsync(due);
        await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, vas), new Answer(ItemCodes.Analgesic, analgesic));
    }

    private static readonly IEqualityComparer<(IEnumerable<string>, string, string)> TupleComparer =
        EqualityComparer<(IEnumerable<string>, string, string)>.Create(
            (x, y) => x.Item1.SequenceEqual(y.Item1) && x.Item2 == y.Item2 && x.Item3 == y.Item3,
            x => x.Item2.GetHashCode());
}
