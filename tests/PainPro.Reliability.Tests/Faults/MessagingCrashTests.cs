using PainPro.Reliability.Tests.Reporting;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// Messaging is killed with SIGKILL in the middle of texting a cohort (and of notifying the care team of fresh
/// alerts), and started again on the same port. Twilio (the double) takes 200 ms to answer, so a few sends are always
/// in flight when the kill lands. Every survey reaches its patient exactly once: a send the kill cut off is taken up
/// again once its claim's lease lapses — recorded as sent when Twilio's message list shows it took the text, sent
/// again when it did not. Messaging claims a send only in its rate-limit turn, right before the call, so only the
/// few sends truly in flight are ever cut off.
/// </summary>
public class MessagingCrashTests
{
    private static readonly TimeSpan TwilioLatency = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Sends that can be under way at one instant: those granted a turn in the last couple of seconds (rate × 200 ms is
    /// 5 at 25/s on a quiet machine; a loaded one stretches each call). The surveys still waiting for their turn — two
    /// thirds of the batch — must hold no claim, so a kill cuts off at most these, never the queue.
    /// </summary>
    private static int MaxInFlightAtKill => (int)(Sizes.FaultSendRatePerSecond * 2);

    [Fact]
    public async Task Every_survey_reaches_its_patient_exactly_once_across_a_sigkill_of_messaging_mid_send()
    {
        using var entry = Ledger.Open("faults.messaging-sigkill", Ledger.Faults,
            $"Messaging killed with SIGKILL mid-batch of {Sizes.CrashSurveys:N0} surveys and restarted");
        await using var cluster = await FaultCluster.StartAsync();
        cluster.Twilio.Latency = TwilioLatency;
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

        // Exactly once for everybody, those cut off by the kill included: no explanation is accepted for a double.
        account.AssertExactlyOnce(entry);
        // The killed process's output included: no patient contact details at Information or above.
        cluster.AssertNoPatientDetailsLogged(cohort);
        await cluster.AssertAllReadyAsync(TimeSpan.FromSeconds(30));

        var resumed = cohort.Where(p => account.Deliveries[p.Phone].Any(d => d.Resumed == 1)).ToList();
        var repeated = resumed.Count(p => account.Texts.GetValueOrDefault(p.Phone) > 1);
        var foundAtTwilio = resumed.Count(p => cluster.Twilio.AcceptedMessages.Any(m => m.To == p.Phone && m.ReceivedAt <= killedAt));
        entry.Count("sends cut off by the kill and taken up again", resumed.Count)
            .Count("of which Twilio had taken (found in its message list, recorded, not sent again)", foundAtTwilio)
            .Count("of which Twilio had not (sent after the restart)", resumed.Count - foundAtTwilio)
            .Count("patients texted twice", repeated);
        // Nobody was failed over to email: a cut-off send is resumed on its own channel, not reported failed.
        Assert.All(cohort, p => Assert.Equal(0, account.Emails.GetValueOrDefault(p.Phone)));
        // The kill did land mid-send (with 200 ms per call, sends are always in flight), and only a send in flight was
        // cut off: one merely queued for the rate limit holds no claim.
        Assert.True(resumed.Count >= 1, $"no send was in flight at the kill, so resuming was not exercised ({account})");
        Assert.True(resumed.Count <= MaxInFlightAtKill,
            $"{resumed.Count} sends were cut off by the kill ({repeated} had reached Twilio), but at most {MaxInFlightAtKill} can be in "
            + $"flight at {Sizes.FaultSendRatePerSecond}/s: sends still waiting for their turn were already claimed. "
            + $"Patients: {string.Join(", ", resumed.Take(5).Select(p => $"{p.ExternalId} [{account.Describe(p)}]"))}");

        entry.Pass();
    }
}
