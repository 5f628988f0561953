using PainPro.Reliability.Tests.Reporting;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// Messaging is killed with SIGKILL in the middle of texting a cohort (and of notifying the care team of fresh
/// alerts), and started again on the same port. Every survey reaches its patient. A send the kill cut off is sent
/// again once its claim's lease lapses; Messaging claims a send only in its rate-limit turn, right before the call,
/// so the only patients who may hear twice are those whose text Twilio took in the instant before the kill — each
/// one is counted and named.
/// </summary>
public class MessagingCrashTests
{
    /// <summary>
    /// Sends that can be under way at one instant: the rate limiter's burst (5) plus a few provider calls, each taking
    /// milliseconds on loopback. Only these may be cut off by a kill.
    /// </summary>
    private const int MaxInFlightAtKill = 8;

    /// <summary>A text Twilio accepted this long before the kill, unrecorded, was in flight at the kill.</summary>
    private static readonly TimeSpan InFlightWindow = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Every_survey_reaches_its_patient_across_a_sigkill_of_messaging_and_only_a_send_in_flight_may_repeat()
    {
        using var entry = Ledger.Open("faults.messaging-sigkill", Ledger.Faults,
            $"Messaging killed with SIGKILL mid-batch of {Sizes.CrashSurveys:N0} surveys and restarted");
        await using var cluster = await FaultCluster.StartAsync();
        using var webhook = cluster.WebhookClient();

        var cohort = await cluster.EnrollAsync(Sizes.CrashSurveys, withEmail: true);
        // A few patients reply first, so care-team notifications are in flight at the kill too.
        var repliers = await cluster.WaitForRepliersAsync(cohort, 20);
        await FaultCluster.ForEachAsync(repliers, 8, p => cluster.ReplyToSurveyAsync(webhook, p));

        await Eventually.TrueAsync(() => Task.FromResult(cluster.AcceptedTexts(cohort).Count >= Sizes.CrashSurveys / 3),
            "a third of the texts out", TimeSpan.FromSeconds(120));
        await cluster.Messaging.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        entry.Count("texts accepted before the kill", cluster.AcceptedTexts(cohort).Count);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.Messaging.StartAgainAsync();

        var account = await cluster.SettleAsync(cohort, repliers, TimeSpan.FromSeconds(240));

        // The only acceptable double: Twilio took the text just before the kill, the process died before recording
        // it, and the lapsed claim was sent again after the restart.
        var firstAcceptedAt = cluster.Twilio.AcceptedMessages.Where(m => m.To is not null)
            .GroupBy(m => m.To!).ToDictionary(g => g.Key, g => g.Min(m => m.ReceivedAt));
        account.AssertExactlyOnce(entry, explainDuplicate: (patient, a) =>
            a.Texts.GetValueOrDefault(patient.Phone) == 2 && a.Emails.GetValueOrDefault(patient.Phone) == 0
            && a.Deliveries[patient.Phone].Any(d => d is { Channel: "sms", Resumed: 1 })
            && killedAt - firstAcceptedAt[patient.Phone] is var before && before >= TimeSpan.Zero && before <= InFlightWindow
                ? $"Twilio accepted its text {(killedAt - firstAcceptedAt[patient.Phone]).TotalMilliseconds:N0} ms before the kill, unrecorded; its claim lapsed and the send was resumed"
                : null);
        // The killed process's output included: no patient contact details at Information or above.
        cluster.AssertNoPatientDetailsLogged(cohort);
        await cluster.AssertAllReadyAsync(TimeSpan.FromSeconds(30));

        var resumed = cohort.Where(p => account.Deliveries[p.Phone].Any(d => d.Resumed == 1)).ToList();
        var repeated = resumed.Count(p => account.Texts.GetValueOrDefault(p.Phone) > 1);
        entry.Count("sends cut off by the kill and resumed", resumed.Count)
            .Count("of which Twilio had already taken (sent twice)", repeated);
        // Nobody was failed over to email: a cut-off send is resumed on its own channel, not reported failed.
        Assert.All(cohort, p => Assert.Equal(0, account.Emails.GetValueOrDefault(p.Phone)));
        // Only a send in flight may be cut off: one merely queued for the rate limit holds no claim.
        Assert.True(resumed.Count <= MaxInFlightAtKill,
            $"{resumed.Count} sends were cut off by the kill ({repeated} had reached Twilio), but at most {MaxInFlightAtKill} can be in "
            + $"flight at {Sizes.FaultSendRatePerSecond}/s: sends still waiting for their turn were already claimed. "
            + $"Patients: {string.Join(", ", resumed.Take(5).Select(p => $"{p.ExternalId} [{account.Describe(p)}]"))}");

        entry.Pass();
    }
}
