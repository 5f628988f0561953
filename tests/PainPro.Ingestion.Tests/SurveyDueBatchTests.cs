using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Sms;
using PainPro.Ingestion.Surveys;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// SurveyDue arrives in batches (issue 21: one commit for many surveys). A batch must leave the surveys as the same
/// messages applied one by one would: one row per survey at its highest attempt, a closed survey left closed, waiting
/// texts answered once — and a message the database refuses must not keep the others of its batch from committing.
/// </summary>
public sealed class SurveyDueBatchTests
{
    private const string Phone = "+15551230001";

    /// <summary>PostgreSQL keeps microseconds, SQLite text: an instant both hold exactly.</summary>
    private static readonly DateTimeOffset Expiry = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_repeating_a_survey_due_opens_it_once_at_its_highest_attempt(string provider)
    {
        var (h, enrollment) = await EnrolledAsync(provider);
        await using var _ = h;
        var first = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, expiresAt: Expiry);
        var second = first with { Attempt = 2, ExpiresAt = Expiry.AddHours(2), LinkToken = Fixtures.NewToken() };
        var late = first with { Attempt = 1, ExpiresAt = Expiry.AddHours(1), LinkToken = Fixtures.NewToken() };

        await h.ApplyBatchAsync(first, second, late);
        var afterBatch = await AttemptAndExpiryAsync(h, first.SurveyId);
        // A later batch with a lower attempt changes nothing either.
        await h.ApplyBatchAsync(late);

        Assert.Equal(1, await h.CountAsync("surveys"));
        Assert.Equal((2, Expiry.AddHours(2)), afterBatch);
        Assert.Equal((2, Expiry.AddHours(2)), await AttemptAndExpiryAsync(h, first.SurveyId));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_opens_its_new_surveys_and_leaves_a_closed_one_closed(string provider)
    {
        var (h, enrollment) = await EnrolledAsync(provider);
        await using var _ = h;
        var day3 = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, expiresAt: Expiry);
        await h.ApplyAsync(day3);
        await h.Db.InTransactionAsync(s => s.ExecuteAsync("UPDATE surveys SET status = 'completed' WHERE id = @SurveyId", new { day3.SurveyId }));
        var reminder = day3 with { Attempt = 1, ExpiresAt = Expiry.AddDays(1), LinkToken = Fixtures.NewToken() };
        var month3 = Fixtures.SurveyDue(enrollment, Timepoints.Month3, Fixtures.VasAndAnalgesic, phone: "+15551230002", expiresAt: Expiry);

        await h.ApplyBatchAsync(reminder, month3);

        var closed = await h.SurveyAsync(day3.SurveyId);
        Assert.Equal((SurveyRecordStatuses.Completed, Expiry), (closed!.Status, closed.ExpiresAt));
        Assert.Equal((0, Expiry), await AttemptAndExpiryAsync(h, day3.SurveyId));
        var opened = await h.SurveyAsync(month3.SurveyId);
        Assert.Equal((SurveyRecordStatuses.Open, "+15551230002", "vas,analgesic"), (opened!.Status, opened.Phone, opened.Items));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_bad_message_in_a_batch_does_not_hold_back_the_good_ones(string provider)
    {
        var (h, enrollment) = await EnrolledAsync(provider);
        await using var _ = h;
        var good = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, expiresAt: Expiry);
        // A message from outside without its channel: the survey table refuses it, and with it the batch's one statement.
        var bad = Fixtures.SurveyDue(enrollment, Timepoints.Month3, Fixtures.VasAndAnalgesic, expiresAt: Expiry) with { Channel = null! };
        var alsoGood = Fixtures.SurveyDue(enrollment, Timepoints.Month1, Fixtures.VasAndAnalgesic, phone: "+15551230002", expiresAt: Expiry);

        // The batch fails, so the bus retries it and at last parks it in the error queue; its good messages are already in.
        await Assert.ThrowsAnyAsync<Exception>(() => h.ApplyBatchAsync(good, bad, alsoGood));

        Assert.NotNull(await h.SurveyAsync(good.SurveyId));
        Assert.NotNull(await h.SurveyAsync(alsoGood.SurveyId));
        Assert.Null(await h.SurveyAsync(bad.SurveyId));
        // Applying the good ones again, as the retry does, changes nothing.
        await h.ApplyBatchAsync(good, alsoGood);
        Assert.Equal(2, await h.CountAsync("surveys"));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_text_waiting_for_a_number_is_answered_once_when_a_batch_opens_two_surveys_for_it(string provider)
    {
        var (h, enrollment) = await EnrolledAsync(provider);
        await using var _ = h;
        Assert.Null(await h.TextAsync(Phone, "3", "SM-early"));
        var day3 = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone);
        var month3 = Fixtures.SurveyDue(enrollment, Timepoints.Month3, Fixtures.VasAndAnalgesic, phone: Phone);

        await h.ApplyBatchAsync(day3, month3);

        var reply = Assert.Single(await h.OutboxAsync<SendSmsReply>());
        Assert.Equal("SM-early", reply.InReplyToMessageSid);
        Assert.Equal(nameof(SmsOutcome.Answered), await h.Db.ReadAsync(c => c.ExecuteScalarAsync<string>(
            "SELECT outcome FROM inbound_sms WHERE message_sid = 'SM-early'")));
        Assert.Equal(1, await h.CountAsync("responses"));
    }

    /// <summary>A harness on <paramref name="provider"/> with one enrollment (baseline VAS 6) known to Ingestion.</summary>
    private static async Task<(IngestionHarness, EnrollmentCreated)> EnrolledAsync(string provider)
    {
        var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        await h.ApplyAsync(enrollment);
        return (h, enrollment);
    }

    private static async Task<(int Attempt, DateTimeOffset ExpiresAt)> AttemptAndExpiryAsync(IngestionHarness h, Guid surveyId)
    {
        var row = await h.Db.ReadAsync(c => c.QuerySingleAsync<AttemptRow>(
            "SELECT attempt AS Attempt, expires_at AS ExpiresAt FROM surveys WHERE id = @surveyId", new { surveyId }));
        return (row.Attempt, row.ExpiresAt);
    }

    private sealed record AttemptRow
    {
        public int Attempt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }
}
