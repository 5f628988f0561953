using PainPro.Messaging.Tests.Support;

namespace PainPro.Messaging.Tests.Integration;

[Collection(MessagingHostCollection.Name)]
public class RateLimitTests
{
    [Fact]
    public async Task A_hundred_surveys_due_at_once_leave_at_no_more_than_five_per_second_and_all_are_sent()
    {
        await using var m = await MessagingHost.StartAsync(configure: c => c["PainPro:Messaging:Twilio:RatePerSecond"] = "5");
        // One survey first, so the connection to the double is open and its code warm: a cold first request can
        // take long enough to arrive that the next ones bunch up behind it, which says nothing about the limiter.
        var warmUp = MessagingHost.Due();
        await m.PublishAsync(warmUp);
        await m.Watcher.WaitForSentAsync(warmUp.SurveyId);
        var surveys = Enumerable.Range(0, 100).Select(_ => MessagingHost.Due()).ToList();

        await Task.WhenAll(surveys.Select(s => m.PublishAsync(s)));

        await Testing.Eventually.TrueAsync(() => Task.FromResult(m.Watcher.Sent.Count == 101), "all 100 SurveySent", TimeSpan.FromSeconds(90));
        var phones = surveys.Select(s => s.Contact.Phone).ToHashSet();
        Assert.Equal(100, m.Twilio.AcceptedMessages.Where(r => phones.Contains(r.To!)).Select(r => r.To).Distinct().Count());
        Assert.Equal(101, m.Twilio.Requests.Count);

        // When the requests left the client: the limiter grants 200 ms apart (pinned exactly by the unit tests); the
        // few steps from grant to socket can be delayed by the scheduler on a busy CI machine, hence the slack.
        var departures = m.Watcher.TwilioDepartures.Skip(1).Order().ToList();
        var slack = TimeSpan.FromMilliseconds(100);
        for (var i = 0; i + 5 < departures.Count; i++)
            Assert.True(departures[i + 5] - departures[i] >= TimeSpan.FromSeconds(1) - slack,
                $"requests {i}..{i + 5} left within {(departures[i + 5] - departures[i]).TotalMilliseconds} ms: more than 5 in a second");
        var arrivals = m.Twilio.AcceptedMessages.Where(r => phones.Contains(r.To!)).Select(r => r.ReceivedAt).Order().ToList();
        Assert.True(arrivals[^1] - arrivals[0] >= TimeSpan.FromSeconds(19.8) - slack,
            $"100 requests reached Twilio within {(arrivals[^1] - arrivals[0]).TotalSeconds} s; at 5 per second they need 19.8 s");
        Console.WriteLine($"100 surveys left over {(departures[^1] - departures[0]).TotalSeconds:0.00} s; " +
            $"tightest 6 in a row: {Enumerable.Range(0, departures.Count - 5).Min(i => (departures[i + 5] - departures[i]).TotalMilliseconds):0} ms");
    }
}
