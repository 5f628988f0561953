using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// Early replies (issue 14): a text from a number with no open survey waits for one instead of being answered
/// "no questionnaire waiting" and lost; it is handled once, in order, when the survey opens — or told there is none
/// after the hold — and the reply it would have had is texted through <see cref="SendSmsReply"/>.
/// </summary>
public sealed class EarlyReplyTests
{
    private const string Phone = "+15551230001";

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reply_before_its_survey_opens_waits_and_is_handled_when_SurveyDue_arrives(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);

        var early = await h.TextAsync(Phone, "9", "SM-early");
        var stored = await TextRowAsync(h, "SM-early");
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        await h.ApplyAsync(due);

        Assert.Null(early); // an empty TwiML: the reply comes when the survey opens
        var versions = await h.VersionsAsync(due.SurveyId);
        var answer = Assert.Single(versions);
        Assert.Equal((ItemCodes.Vas, 9, ResponseSources.Sms, stored.ReceivedAt), (answer.Item, answer.Value, answer.Source, answer.AnsweredAt));
        Assert.Equal(AlertSeverities.High, Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId)).Severity);
        var reply = Assert.Single(await h.OutboxAsync<SendSmsReply>());
        Assert.Equal((Phone, Fixtures.Then(ItemCodes.Vas, 9, ItemCodes.Analgesic), "SM-early"), (reply.To, reply.Body, reply.InReplyToMessageSid));
        var handled = await TextRowAsync(h, "SM-early");
        Assert.Equal((nameof(SmsOutcome.Answered), ReplyVia.Sms, reply.ReplyId, due.SurveyId), (handled.Outcome, handled.ReplyVia, handled.ReplyId!.Value, handled.SurveyId!.Value));

        // The conversation goes on as if the survey had been open: the next text answers the analgesic item.
        Assert.Equal(Fixtures.ThenThanks(ItemCodes.Analgesic, 2), await h.TextAsync(Phone, "2"));
        Assert.Single(await h.OutboxAsync<SurveyCompleted>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Several_early_texts_are_handled_in_the_order_they_came(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);

        await h.TextAsync(Phone, "siete", "SM-1");
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        await h.TextAsync(Phone, "no lo sé", "SM-2");
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        await h.TextAsync(Phone, "menos", "SM-3");
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone, locale: "es");
        await h.ApplyAsync(due);

        var survey = (await h.SurveyAsync(due.SurveyId))!;
        Assert.Equal((7, AnalgesicChanges.Less, "completed"), (survey.Vas!.Value, survey.AnalgesicChange, survey.Status));
        // Each reply shows the text was handled after the one before it: SM-2 is told what the analgesic item expects.
        Assert.Equal(
            [("SM-1", Fixtures.Then(ItemCodes.Vas, 7, ItemCodes.Analgesic, "es")), ("SM-2", InstrumentTexts.NotAnAnswer(ItemCodes.Analgesic, "es")),
             ("SM-3", Fixtures.ThenThanks(ItemCodes.Analgesic, 1, "es"))],
            (await h.OutboxAsync<SendSmsReply>()).Select(r => (r.InReplyToMessageSid, r.Body)).OrderBy(r => r.InReplyToMessageSid));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_text_no_survey_opens_for_is_told_so_once_after_the_hold_and_its_repeat_is_not_answered_again(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);

        var first = await h.TextAsync(Phone, "hello?", "SM-stray");
        var beforeTheHold = await h.EarlyReplies.RunDueAsync(CancellationToken.None);
        var afterTheHold = await h.PassTheHoldAsync();
        var again = await h.EarlyReplies.RunDueAsync(CancellationToken.None);
        var repeat = await h.TextAsync(Phone, "hello?", "SM-stray");

        Assert.Equal((null, null), (first, repeat));
        Assert.Equal((0, 1, 0), (beforeTheHold, afterTheHold, again));
        var reply = Assert.Single(await h.OutboxAsync<SendSmsReply>());
        Assert.Equal((Phone, InstrumentTexts.NoOpenSurvey("en")), (reply.To, reply.Body));
        Assert.Equal(nameof(SmsOutcome.NoOpenSurvey), (await TextRowAsync(h, "SM-stray")).Outcome);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Keywords_are_answered_at_once_in_the_numbers_language_without_waiting(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment();
        await h.ApplyAsync(enrollment);
        var earlier = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone, locale: "es");
        await h.ApplyAsync(earlier);
        await h.ApplyAsync(new SurveyExpired(earlier.SurveyId, enrollment.EnrollmentId, Timepoints.Day3));

        var help = await h.TextAsync(Phone, "Ayuda");
        var stop = await h.TextAsync(Phone, "BAJA");
        var start = await h.TextAsync(Phone, "comenzar");

        Assert.Equal((InstrumentTexts.Help("es"), InstrumentTexts.OptedOut("es"), InstrumentTexts.OptedIn("es")), (help, stop, start));
        Assert.Equal((Phone, "BAJA"), Single(await h.OutboxAsync<PatientOptedOut>(), o => (o.Phone, o.Keyword)));
        Assert.Equal((Phone, "COMENZAR"), Single(await h.OutboxAsync<PatientOptedIn>(), o => (o.Phone, o.Keyword)));
        Assert.Equal(0, await h.CountAsync("inbound_sms WHERE outcome = 'Waiting'"));
        Assert.Empty(await h.OutboxAsync<SendSmsReply>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_spanish_keyword_from_a_number_not_yet_known_waits_and_opts_out_once_its_spanish_survey_opens(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment();
        await h.ApplyAsync(enrollment);

        var early = await h.TextAsync(Phone, "PARAR");
        await h.ApplyAsync(Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone, locale: "es"));

        Assert.Null(early);
        Assert.Equal((Phone, "PARAR"), Single(await h.OutboxAsync<PatientOptedOut>(), o => (o.Phone, o.Keyword)));
        Assert.Equal(InstrumentTexts.OptedOut("es"), Assert.Single(await h.OutboxAsync<SendSmsReply>()).Body);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_redelivered_SurveyDue_and_a_second_survey_for_the_number_handle_a_waiting_text_once(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var other = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        await h.ApplyAsync(other);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);
        var otherDue = Fixtures.SurveyDue(other, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);

        await h.TextAsync(Phone, "9");
        await h.ApplyAsync(due);
        await h.ApplyAsync(due);
        await h.ApplyAsync(otherDue);
        await h.EarlyReplies.RunDueAsync(CancellationToken.None);

        Assert.Equal(1, await h.CountAsync("responses"));
        Assert.Single(await h.OutboxAsync<SendSmsReply>());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_waiting_text_its_survey_missed_is_released_by_the_due_work(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);
        await h.ApplyAsync(due);
        await WaitingTextRacedAsync(h, "4");

        var released = await h.EarlyReplies.RunDueAsync(CancellationToken.None);

        Assert.Equal(1, released);
        Assert.Equal(4, (await h.SurveyAsync(due.SurveyId))!.Vas);
        Assert.Equal("SM-raced", Assert.Single(await h.OutboxAsync<SendSmsReply>()).InReplyToMessageSid);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_next_text_of_a_number_handles_its_waiting_texts_before_itself(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);
        await h.ApplyAsync(due);
        await WaitingTextRacedAsync(h, "7");
        h.Clock.Advance(TimeSpan.FromSeconds(2));

        var reply = await h.TextAsync(Phone, "1");

        Assert.Equal(Fixtures.ThenThanks(ItemCodes.Analgesic, 1), reply); // "1" answered the analgesic item: the waiting "7" went first
        Assert.Equal([("vas", 7), ("analgesic", 1)], (await h.VersionsAsync(due.SurveyId)).Select(v => (v.Item, v.Value)));
        var late = Assert.Single(await h.OutboxAsync<SendSmsReply>());
        Assert.Equal(("SM-raced", Fixtures.Then(ItemCodes.Vas, 7, ItemCodes.Analgesic)), (late.InReplyToMessageSid, late.Body));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_late_reply_to_a_number_that_opted_out_meanwhile_is_recorded_but_not_texted(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);

        await h.TextAsync(Phone, "9", "SM-answer");
        var stop = await h.TextAsync(Phone, "STOP");
        await h.ApplyAsync(Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone));

        Assert.Equal(InstrumentTexts.OptedOut("en"), stop);
        Assert.Equal(1, await h.CountAsync("responses WHERE value = 9"));
        Assert.Empty(await h.OutboxAsync<SendSmsReply>());
        Assert.Equal(ReplyVia.Withheld, (await TextRowAsync(h, "SM-answer")).ReplyVia);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_surveys_opening_and_the_due_work_at_once_handle_each_waiting_text_exactly_once(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        const int numbers = 6;
        var cases = new List<(SurveyDue First, SurveyDue Second)>();
        for (var i = 0; i < numbers; i++)
        {
            var phone = $"+1555987{i:D4}";
            var first = Fixtures.Enrollment(baselineVas: 6);
            var second = Fixtures.Enrollment(baselineVas: 6);
            await h.ApplyAsync(first);
            await h.ApplyAsync(second);
            await h.TextAsync(phone, "9");
            await h.TextAsync(phone, "3");
            cases.Add((Fixtures.SurveyDue(first, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: phone),
                Fixtures.SurveyDue(second, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: phone)));
        }

        await Task.WhenAll(cases.SelectMany(c => new Func<Task>[]
        {
            () => h.ApplyAsync(c.First), () => h.ApplyAsync(c.Second), () => h.EarlyReplies.RunDueAsync(CancellationToken.None),
        }).Select(work => Task.Run(work)));
        await h.EarlyReplies.RunDueAsync(CancellationToken.None);

        Assert.Equal(2 * numbers, (await h.OutboxAsync<SendSmsReply>()).Select(r => r.InReplyToMessageSid).Distinct().Count());
        Assert.Equal(2 * numbers, (await h.OutboxAsync<SendSmsReply>()).Count);
        Assert.Equal(0, await h.CountAsync("inbound_sms WHERE handled_at IS NULL"));
        // Each number's two texts went to one survey, in order: pain 9, then analgesics 3.
        foreach (var (first, second) in cases)
        {
            var answered = (await h.SurveyAsync(first.SurveyId))!.Vas is not null ? first : second;
            Assert.Equal([("vas", 9), ("analgesic", 3)], (await h.VersionsAsync(answered.SurveyId)).Select(v => (v.Item, v.Value)));
        }
        Assert.Equal(2 * numbers, await h.CountAsync("responses"));
    }

    /// <summary>
    /// A text "SM-raced" whose webhook saw no survey and committed just after the survey's transaction looked for
    /// waiting texts: it waits although its survey is open.
    /// </summary>
    private static Task WaitingTextRacedAsync(IngestionHarness h, string body) =>
        h.Db.InTransactionAsync(s => s.ExecuteAsync("""
            INSERT INTO inbound_sms (message_sid, from_phone, body, received_at, deliveries, outcome, hold_until)
            VALUES ('SM-raced', @Phone, @body, @now, 1, 'Waiting', @hold)
            """, new { Phone, body, now = h.Clock.GetUtcNow(), hold = h.Clock.GetUtcNow().AddMinutes(5) }));

    private static async Task<TextRow> TextRowAsync(IngestionHarness h, string messageSid) =>
        await h.Db.ReadAsync(c => c.QuerySingleAsync<TextRow>("""
            SELECT received_at AS ReceivedAt, outcome AS Outcome, reply_via AS ReplyVia, reply_id AS ReplyId, survey_id AS SurveyId
            FROM inbound_sms WHERE message_sid = @messageSid
            """, new { messageSid }));

    private static TResult Single<T, TResult>(IReadOnlyList<T> items, Func<T, TResult> select) => select(Assert.Single(items));

    private sealed record TextRow
    {
        public DateTimeOffset ReceivedAt { get; init; }
        public string? Outcome { get; init; }
        public string? ReplyVia { get; init; }
        public Guid? ReplyId { get; init; }
        public Guid? SurveyId { get; init; }
    }
}
