using PainPro.Reliability.Tests.Support;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// Twilio answers 503 for minutes in the middle of a batch. Every survey that could not go waits in Messaging's database
/// (never an error queue, never reported failed while its window is open), the enrollment API shows it deferred — not
/// sent — meanwhile, and once Twilio answers again every survey leaves within two minutes, exactly once; nobody is
/// moved to email for the provider's fault.
/// </summary>
public class TwilioOutageTests
{
    private static readonly TimeSpan AfterRecovery = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Every_survey_is_sent_exactly_once_within_two_minutes_of_a_twilio_outage_ending_and_nobody_moves_to_email()
    {
        var outage = DeliveryFaultSizes.Outage;
        using var entry = Ledger.Open("faults.outage503", Ledger.Faults,
            $"Twilio answering 503 for {Describe(outage)} mid-batch of {DeliveryFaultSizes.OutageSurveys:N0} surveys");
        await using var cluster = await FaultCluster.StartAsync(DeliveryFaultSizes.MessagingSettings);

        var cohort = await cluster.EnrollAsync(DeliveryFaultSizes.OutageSurveys, withEmail: true);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.AcceptedTexts(cohort).Count >= cohort.Count / 4),
            "a quarter of the texts out", TimeSpan.FromSeconds(120));
        var requestsBefore = cluster.Twilio.Requests.Count;
        cluster.Twilio.FailEverything(TwilioAnswer.ServiceUnavailable(retryAfter: TimeSpan.FromSeconds(5)));
        var started = DateTime.UtcNow;
        entry.Count("texts accepted when Twilio went down", cluster.AcceptedTexts(cohort).Count);

        Dictionary<string, Day3Statuses.Day3> meanwhile;
        List<Patient> waiting;
        (string Status, string? Reason) health;
        try
        {
            // Meanwhile: every survey not at Twilio waits, shown as deferred (once Messaging has had its turn at each);
            // none reads sent without a text having left.
            await Task.Delay(outage / 4);
            var texted = cluster.AcceptedTexts(cohort);
            waiting = [.. cohort.Where(p => !texted.ContainsKey(p.Phone))];
            meanwhile = await Eventually.GetAsync(() => Day3Statuses.ReadAsync(cluster),
                shown => waiting.All(p => shown[p.ExternalId].Status == "deferred"), "the waiting surveys to read deferred", outage / 2);
            health = await cluster.MessagingHealthAsync();
            var left = outage - (DateTime.UtcNow - started);
            if (left > TimeSpan.Zero) await Task.Delay(left);
        }
        finally
        {
            cluster.Twilio.Recover();
        }
        var recovered = DateTime.UtcNow;

        await Eventually.TrueAsync(() => Task.FromResult(cluster.AcceptedTexts(cohort).Count == cohort.Count),
            "every survey texted after the outage", AfterRecovery + TimeSpan.FromSeconds(30));
        var lastText = cluster.Twilio.AcceptedMessages.Max(m => m.ReceivedAt);
        var account = await cluster.SettleAsync(cohort, [], TimeSpan.FromSeconds(60));

        var texts = cluster.AcceptedTexts(cohort);
        var shownDeferred = waiting.Count(p => meanwhile[p.ExternalId] is { Status: "deferred", DeliveryReason: "provider-unavailable" });
        var shownSentWithoutText = waiting.Count(p => meanwhile[p.ExternalId].Status == "sent");
        var refused = cluster.Twilio.Requests.Skip(requestsBefore).Count(r => r.StatusCode == 503);
        var movedToEmail = await Sql.ScalarAsync<long>(cluster.Db, "SELECT COUNT(*) FROM scheduling.patients WHERE sms_failed_at IS NOT NULL");

        entry.Count($"seconds of 503 from Twilio", (long)outage.TotalSeconds)
            .Count("requests answered 503", refused)
            .Count("surveys waiting during the outage", waiting.Count)
            .Count("of which the enrollment API showed deferred during the outage", shownDeferred)
            .Count("seconds from recovery to the last text", (long)Math.Ceiling((lastText - recovered).TotalSeconds));
        account.AssertExactlyOnce(entry);
        Assert.True(waiting.Count > 0, "the outage caught no survey waiting: it proved nothing");
        Assert.Equal(0, shownSentWithoutText);
        Assert.Equal(waiting.Count, shownDeferred);
        Assert.Equal("Degraded", health.Status);
        Assert.Contains("unavailable", health.Reason);
        Assert.True(lastText - recovered <= AfterRecovery, $"the last text left {(lastText - recovered).TotalSeconds:0} s after Twilio recovered");
        Assert.All(cohort, p => Assert.Equal(1, texts.GetValueOrDefault(p.Phone)));
        Assert.All(cohort, p => Assert.Equal(0, account.Emails.GetValueOrDefault(p.Phone)));
        Assert.Equal(0, movedToEmail);
        await Queues.AssertNoErrorQueueHoldsMessagesAsync(cluster);
        Assert.Equal(0, await Sql.ScalarAsync<long>(cluster.Db, "SELECT COUNT(*) FROM messaging.deliveries WHERE status <> 'queued' OR request IS NOT NULL"));
        await Eventually.TrueAsync(async () => (await cluster.MessagingHealthAsync()).Status == "Healthy", "Messaging healthy again");
        cluster.AssertNoPatientDetailsLogged(cohort);
        entry.Count("patients moved to email", movedToEmail).Pass();
    }

    private static string Describe(TimeSpan span) => span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0} s";
}
