using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>The text conversation on a real database: one item at a time, answers stored, survey completed once.</summary>
public sealed class SmsConversationTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Nine_after_a_clinic_baseline_of_six_asks_the_next_item_and_raises_a_high_progression_alert(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: "+1 (555) 123-0001");
        await h.ApplyAsync(due);

        var reply = await h.TextAsync("+15551230001", "9");

        Assert.Equal(Fixtures.Then(ItemCodes.Vas, 9, ItemCodes.Analgesic), reply);
        var survey = await h.SurveyAsync(due.SurveyId);
        Assert.Equal(9, survey!.Vas);
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal(["pain-progression", "no-relief", "severe-pain"], alert.Rules);
        Assert.Equal(AlertSeverities.High, alert.Severity);
        Assert.Equal("Day 3 pain 9/10 vs 6/10 before the procedure — pain progression: up 3 (flag at ≥ 2); no relief: rose 3 (a response needs a fall of ≥ 2); severe pain: 9/10 (flag at ≥ 8)", alert.Summary);
        var raised = Assert.Single(await h.OutboxAsync<PainAlertRaised>());
        Assert.Equal((alert.Id, due.SurveyId, "0123"), (raised.AlertId, raised.SurveyId, raised.MrnLast4));
        Assert.Empty(await h.OutboxAsync<SurveyCompleted>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reply_after_the_enrollment_was_cancelled_waits_then_gets_the_no_open_survey_note_and_is_not_recorded(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: "+15551230001");
        await h.ApplyAsync(due);

        await h.ApplyAsync(new EnrollmentCancelled(enrollment.EnrollmentId, "procedure cancelled"));
        var reply = await h.TextAsync("+15551230001", "9");
        await h.PassTheHoldAsync();

        Assert.Null(reply);
        var late = Assert.Single(await h.OutboxAsync<SendSmsReply>());
        Assert.Equal(("+15551230001", InstrumentTexts.NoOpenSurvey("en")), (late.To, late.Body));
        Assert.Null((await h.SurveyAsync(due.SurveyId))!.Vas);
        Assert.Empty(await h.AlertsAsync(enrollment.EnrollmentId));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Answering_the_last_item_thanks_the_patient_and_publishes_SurveyCompleted_once_and_a_later_text_is_thanked_again(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 8);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, locale: "es-MX");
        await h.ApplyAsync(due);

        await h.TextAsync("+15551230001", "tres");
        var reply = await h.TextAsync("+15551230001", "1");
        var afterwards = await h.TextAsync("+15551230001", "2");

        Assert.Equal(Fixtures.ThenThanks(ItemCodes.Analgesic, 1, "es"), reply);
        Assert.Equal(InstrumentTexts.Thanks("es"), afterwards); // nothing left to ask: the 2 answers nothing
        Assert.Equal(2, await h.CountAsync("responses WHERE survey_id = @SurveyId", new { due.SurveyId }));
        var completed = Assert.Single(await h.OutboxAsync<SurveyCompleted>());
        Assert.Equal((due.SurveyId, 3, AnalgesicChanges.Less, (int?)null), (completed.SurveyId, completed.Vas, completed.AnalgesicChange, completed.MstsTotal));
        var survey = await h.SurveyAsync(due.SurveyId);
        Assert.Equal("partial", survey!.ConsensusClass);
        Assert.Empty(await h.AlertsAsync(enrollment.EnrollmentId));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_non_answer_says_what_is_expected_and_keeps_the_item_open(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment();
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic);
        await h.ApplyAsync(due);

        var first = await h.TextAsync("+15551230001", "7 or 8");
        var second = await h.TextAsync("+15551230001", "7");

        Assert.Equal(InstrumentTexts.NotAnAnswer(ItemCodes.Vas, "en"), first);
        Assert.Equal(Fixtures.Then(ItemCodes.Vas, 7, ItemCodes.Analgesic), second);
        Assert.Equal(7, (await h.SurveyAsync(due.SurveyId))!.Vas);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_two_open_surveys_for_one_phone_the_newest_gets_the_answer(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var older = Fixtures.Enrollment(baselineVas: 5);
        var newer = Fixtures.Enrollment(baselineVas: 5);
        await h.ApplyAsync(older);
        await h.ApplyAsync(newer);
        var olderSurvey = Fixtures.SurveyDue(older, Timepoints.Day3, Fixtures.VasAndAnalgesic);
        var newerSurvey = Fixtures.SurveyDue(newer, Timepoints.Month1, Fixtures.VasAndAnalgesic);
        await h.ApplyAsync(olderSurvey);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.ApplyAsync(newerSurvey);

        await h.TextAsync("+15551230001", "4");

        Assert.Null((await h.SurveyAsync(olderSurvey.SurveyId))!.Vas);
        Assert.Equal(4, (await h.SurveyAsync(newerSurvey.SurveyId))!.Vas);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Stop_opts_out_and_start_opts_back_in_even_without_an_open_survey(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);

        var stop = await h.TextAsync("+15551230009", " Stop. ");
        var start = await h.TextAsync("+15551230009", "START");

        Assert.Equal(InstrumentTexts.OptedOut("en"), stop);
        Assert.Equal(InstrumentTexts.OptedIn("en"), start);
        var optedOut = Assert.Single(await h.OutboxAsync<PatientOptedOut>());
        var optedIn = Assert.Single(await h.OutboxAsync<PatientOptedIn>());
        Assert.Equal(("+15551230009", "STOP"), (optedOut.Phone, optedOut.Keyword));
        Assert.Equal(("+15551230009", "START"), (optedIn.Phone, optedIn.Keyword));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_repeated_MessageSid_is_answered_as_before_and_changes_nothing(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic);
        await h.ApplyAsync(due);

        var first = await h.TextAsync("+15551230001", "9", "SM-repeat");
        var repeat = await h.TextAsync("+15551230001", "9", "SM-repeat");

        Assert.Equal(first, repeat);
        Assert.Equal(1, await h.CountAsync("responses WHERE survey_id = @SurveyId", new { due.SurveyId }));
        Assert.Single(await h.OutboxAsync<PainAlertRaised>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_text_whose_handling_fails_is_kept_unhandled_and_its_next_delivery_is_handled(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic);
        await h.ApplyAsync(due);
        var failing = h.SmsInboxWith(new AlertBook(new FailingOptionsMonitor()));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            failing.ReceiveAsync(new InboundSms("SM-fails-first", "+15551230001", "9"), CancellationToken.None));

        Assert.Equal(1, await h.CountAsync("inbound_sms WHERE message_sid = 'SM-fails-first' AND body = '9' AND reply IS NULL"));
        Assert.Equal(0, await h.CountAsync("responses WHERE survey_id = @SurveyId", new { due.SurveyId }));

        var reply = await h.TextAsync("+15551230001", "9", "SM-fails-first");

        Assert.Equal(Fixtures.Then(ItemCodes.Vas, 9, ItemCodes.Analgesic), reply);
        Assert.Equal(1, await h.CountAsync("responses WHERE survey_id = @SurveyId", new { due.SurveyId }));
        Assert.Equal(1, await h.CountAsync("inbound_sms WHERE message_sid = 'SM-fails-first' AND reply IS NOT NULL"));
    }

    /// <summary>Alert thresholds that cannot be read: handling an answer fails after it was written.</summary>
    private sealed class FailingOptionsMonitor : Microsoft.Extensions.Options.IOptionsMonitor<IngestionOptions>
    {
        public IngestionOptions CurrentValue => throw new InvalidOperationException("Alert thresholds unavailable.");
        public IngestionOptions Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<IngestionOptions, string?> listener) => null;
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Five_concurrent_deliveries_of_one_MessageSid_store_one_response_and_raise_at_most_one_alert(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic);
        await h.ApplyAsync(due);

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => h.TextAsync("+15551230001", "9", "SM-concurrent"))));

        Assert.Single(replies.Distinct());
        Assert.Equal(1, await h.CountAsync("responses WHERE survey_id = @SurveyId", new { due.SurveyId }));
        Assert.Equal(1, await h.CountAsync("inbound_sms"));
        Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Single(await h.OutboxAsync<PainAlertRaised>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_texts_racing_for_one_survey_answer_one_item_each_the_second_seeing_the_first(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var surveys = new List<(SurveyDue Due, string Phone)>();
        for (var i = 0; i < 8; i++)
        {
            var enrollment = Fixtures.Enrollment(baselineVas: 6);
            await h.ApplyAsync(enrollment);
            var phone = $"+1555444{i:D4}";
            var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: phone);
            await h.ApplyAsync(due);
            surveys.Add((due, phone));
        }

        // "2" and "3" both answer either item: read against a stale survey, the second would revise VAS instead.
        await Task.WhenAll(surveys.SelectMany(s => new[] { "2", "3" }.Select(body => Task.Run(() => h.TextAsync(s.Phone, body)))));

        foreach (var (due, _) in surveys)
        {
            var versions = await h.VersionsAsync(due.SurveyId);
            Assert.Equal(["analgesic", "vas"], versions.Select(v => v.Item).Order());
            Assert.All(versions, v => Assert.Null(v.SupersededAt));
            Assert.Equal("completed", (await h.SurveyAsync(due.SurveyId))!.Status);
        }
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Msts_is_left_to_the_web_form_whose_link_closes_the_text_conversation(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Month1, Fixtures.WithMstsLower, token: "tok-123");
        await h.ApplyAsync(due);

        await h.TextAsync("+15551230001", "3");
        var reply = await h.TextAsync("+15551230001", "same");

        Assert.Equal($"{InstrumentTexts.Recorded(ItemCodes.Analgesic, 2, "en")} {InstrumentTexts.ContinueOnWeb("en", "https://painpro.example/s/tok-123")}", reply);
        Assert.Empty(await h.OutboxAsync<SurveyCompleted>());
        Assert.Equal(ResponseSources.Sms, await h.Db.ReadAsync(c => Dapper.SqlMapper.ExecuteScalarAsync<string>(c,
            "SELECT source FROM responses WHERE survey_id = @SurveyId AND item = 'analgesic'", new { due.SurveyId })));
    }
}
