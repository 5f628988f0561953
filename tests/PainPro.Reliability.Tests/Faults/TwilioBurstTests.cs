using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// Twilio answers a burst of 500s and then a burst of 429s (with Retry-After) in the middle of a batch: the sends are
/// retried, nothing is lost and no patient gets a second text (a 429 or 500 created no message).
/// </summary>
public class TwilioBurstTests
{
    [Fact]
    public async Task Every_survey_is_texted_exactly_once_through_bursts_of_500_and_429_from_twilio()
    {
        using var entry = Ledger.Open("faults.twilio-bursts", Ledger.Faults,
            $"Twilio double answering bursts of {Sizes.BurstLength} × 500 and {Sizes.BurstLength} × 429 mid-batch of {Sizes.BurstSurveys:N0} surveys");
        await using var cluster = await FaultCluster.StartAsync();
        using var webhook = cluster.WebhookClient();

        var cohort = await cluster.EnrollAsync(Sizes.BurstSurveys);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.AcceptedTexts(cohort).Count >= Sizes.BurstSurveys / 4),
            "a quarter of the texts out", TimeSpan.FromSeconds(120));
        var requestsBefore = cluster.Twilio.Requests.Count;
        cluster.Twilio.Enqueue([
            .. Enumerable.Repeat(TwilioAnswer.ServerError(), Sizes.BurstLength),
            .. Enumerable.Repeat(TwilioAnswer.TooManyRequests(TimeSpan.FromSeconds(1)), Sizes.BurstLength),
        ]);

        var repliers = await cluster.WaitForRepliersAsync(cohort, 20);
        await FaultCluster.ForEachAsync(repliers, 8, p => cluster.ReplyToSurveyAsync(webhook, p));

        var account = await cluster.SettleAsync(cohort, repliers, TimeSpan.FromSeconds(240));

        account.AssertExactlyOnce(entry);
        cluster.AssertNoPatientDetailsLogged(cohort);
        var refused = cluster.Twilio.Requests.Skip(requestsBefore).Count(r => r.StatusCode is 500 or 429);
        Assert.Equal(2 * Sizes.BurstLength, refused);
        var failed = cohort.Where(p => account.Deliveries[p.Phone].Any(d => d.Status == "failed")).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} deliveries were given up: {string.Join("; ", failed.Take(5).Select(account.Describe))}");
        entry.Count("requests refused by Twilio (500, 429)", refused).Pass();
    }
}
