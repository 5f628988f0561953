using PainPro.Messaging.Tests.Support;

namespace PainPro.Messaging.Tests.Integration;

/// <summary>
/// The rate limit as deployed: a hundred surveys due at once, Messaging on RabbitMQ and PostgreSQL, Twilio the double.
/// What this can assert on a loaded two-core machine is the whole run: every survey sent once, and the hundred spread
/// over at least the time the rate allows. The spacing of each grant is pinned exactly, on a fake clock, by
/// <c>TokenBucketTests</c>; here a request delayed between its grant and the socket (a busy scheduler) would bunch with
/// the next one and say nothing about the limiter.
/// </summary>
[Collection(MessagingHostCollection.Name)]
public class RateLimitTests
{
    private const int Surveys = 100;
    private const double RatePerSecond = 5;

    [Fact]
    public async Task A_hundred_surveys_due_at_once_leave_at_no_more_than_five_per_second_and_all_are_sent()
    {
        await using var m = await MessagingHost.StartAsync(configure: c => c["PainPro:Messaging:Twilio:RatePerSecond"] = "5");
        var surveys = Enumerable.Range(0, Surveys).Select(_ => MessagingHost.Due()).ToList();

        await Task.WhenAll(surveys.Select(s => m.PublishAsync(s)));

        await Testing.Eventually.TrueAsync(() => Task.FromResult(m.Watcher.Sent.Count == Surveys), "all 100 SurveySent", TimeSpan.FromSeconds(120));
        var phones = surveys.Select(s => s.Contact.Phone).ToHashSet();
        var accepted = m.Twilio.AcceptedMessages.Where(r => phones.Contains(r.To!)).ToList();
        Assert.Equal(Surveys, accepted.Select(r => r.To).Distinct().Count());
        Assert.Equal(Surveys, m.Twilio.Requests.Count);

        // Each grant comes 200 ms after the one before, so the hundredth request leaves the client at least 19.8 s after
        // the first grant. Departures are stamped in the client, after the grant and the claim's transaction: only the
        // first one's delay can shorten the span, so the bound allows for one slow transaction (3 s, an age on this
        // machine), never for the limiter letting more through — without it the hundred would leave within a few seconds.
        var departures = m.Watcher.TwilioDepartures.Order().ToList();
        var span = departures[^1] - departures[0];
        var minimum = TimeSpan.FromSeconds((Surveys - 1) / RatePerSecond);
        var firstDelay = TimeSpan.FromSeconds(3);
        Assert.True(span >= minimum - firstDelay,
            $"{Surveys} requests left within {span.TotalSeconds:0.00} s; at {RatePerSecond}/s they need {minimum.TotalSeconds:0.0} s");
        Console.WriteLine($"{Surveys} surveys left over {span.TotalSeconds:0.00} s (the rate allows no less than {minimum.TotalSeconds:0.0} s)");
    }
}
