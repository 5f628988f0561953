using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// Twilio refuses our own account (401/20003), then our From number (21606), mid-batch. It is nobody's phone: no patient
/// moves to email, every send is held (one probe now and then), <c>/health/ready</c> says Degraded and why, one Error is
/// logged per change of state — and once the account works again everything leaves, exactly once. Meanwhile one
/// patient's number is invalid (21211): that patient, and only that one, moves to email.
/// </summary>
public class SenderRefusedTests
{
    [Fact]
    public async Task A_refused_account_then_from_number_holds_every_send_moves_nobody_and_sends_everything_once_after()
    {
        var phase = DeliveryFaultSizes.RefusalPhase;
        var phaseText = phase.TotalMinutes >= 1 ? $"{phase.TotalMinutes:0} min" : $"{phase.TotalSeconds:0} s";
        using var entry = Ledger.Open("faults.refused-account", Ledger.Faults,
            $"Twilio refusing our account (401/20003) for {phaseText}, then our From number (21606) for {phaseText}, mid-batch of {DeliveryFaultSizes.RefusedSurveys:N0} surveys");
        using var invalidEntry = Ledger.Open("faults.invalid21211", Ledger.Faults,
            "Twilio answering 21211 (invalid number) for one patient of the batch above");
        await using var cluster = await FaultCluster.StartAsync(DeliveryFaultSizes.MessagingSettings);

        var cohort = await cluster.EnrollAsync(DeliveryFaultSizes.RefusedSurveys, withEmail: true);
        // The invalid number is among the last enrolled, so its survey is still to go when the refusals start.
        var invalid = cohort[^1];
        cluster.Twilio.FailMessagesTo(invalid.Phone, TwilioAnswer.InvalidNumber());
        await Eventually.TrueAsync(() => Task.FromResult(cluster.AcceptedTexts(cohort).Count >= cohort.Count / 4),
            "a quarter of the texts out", TimeSpan.FromSeconds(120));
        var requestsBefore = cluster.Twilio.Requests.Count;

        (string Status, string? Reason) authHealth, fromHealth;
        List<TwilioRequest> duringRefusals;
        try
        {
            cluster.Twilio.FailEverything(TwilioAnswer.AuthenticationFailed());
            entry.Count("texts accepted when Twilio began refusing", cluster.AcceptedTexts(cohort).Count);
            authHealth = await HealthMentioningAsync(cluster, "20003", phase);
            await Task.Delay(phase);
            cluster.Twilio.FailEverything(TwilioAnswer.FromNumberCannotSend());
            // The next probe finds the new refusal: health names it.
            fromHealth = await HealthMentioningAsync(cluster, "21606", phase);
            await Task.Delay(phase);
            duringRefusals = [.. cluster.Twilio.Requests.Skip(requestsBefore)];
        }
        finally
        {
            cluster.Twilio.Recover();
        }
        // Sends already past the double when the refusals began could still be taken; after the first refusal, none is.
        var firstRefusal = duringRefusals.FindIndex(r => r.StatusCode == 401);
        var acceptedWhileRefused = duringRefusals.Skip(firstRefusal).Count(r => r.StatusCode == 201);

        var account = await cluster.SettleAsync(cohort, [], TimeSpan.FromSeconds(120));
        var refusedRequests = duringRefusals.Count(r => r.StatusCode is 401 or 400);
        var errors = cluster.MessagingErrors("PainPro.Messaging.Senders.SenderStates");
        var failedPhones = await Sql.QueryAsync<string>(cluster.Db, "SELECT phone FROM scheduling.patients WHERE sms_failed_at IS NOT NULL");
        entry.Count("requests refused (401/20003, 400/21606)", refusedRequests)
            .Count("Error log lines about the refusals", errors.Count);

        // Everyone once; the invalid number's patient by email.
        account.AssertExactlyOnce(entry);
        Assert.Equal(0, acceptedWhileRefused);
        Assert.All(cohort.Where(p => p != invalid), p => Assert.Equal((1, 0), (account.Texts.GetValueOrDefault(p.Phone), account.Emails.GetValueOrDefault(p.Phone))));
        Assert.Equal((0, 1), (account.Texts.GetValueOrDefault(invalid.Phone), account.Emails.GetValueOrDefault(invalid.Phone)));
        Assert.Equal([invalid.Phone], failedPhones);
        // Held, not hammered: a probe now and then (and the few sends already in their turn), not a request per survey per backoff.
        var probes = 2 * (phase / DeliveryFaultSizes.ProbeInterval + 1);
        Assert.True(refusedRequests <= probes + 32, $"{refusedRequests} requests were refused in {2 * phase.TotalSeconds:0} s; probes allow {probes:0}");
        Assert.Equal(("Degraded", "Degraded"), (authHealth.Status, fromHealth.Status));
        Assert.Contains("refused", authHealth.Reason);
        Assert.Equal(2, errors.Count); // one per change of state (20003, then 21606), whatever the number of sends
        Assert.Contains("20003", errors[0]);
        Assert.Contains("21606", errors[1]);
        await Queues.AssertNoErrorQueueHoldsMessagesAsync(cluster);
        await Eventually.TrueAsync(async () => (await cluster.MessagingHealthAsync()).Status == "Healthy", "Messaging healthy again");
        cluster.AssertNoPatientDetailsLogged(cohort);
        entry.Count("patients moved to email for the refusals", failedPhones.Count(p => p != invalid.Phone)).Pass();

        invalidEntry.Count("patients answered 21211", 1).Count("moved to email", failedPhones.Count)
            .Count("emailed their survey", account.Emails.GetValueOrDefault(invalid.Phone))
            .Count("other patients moved", failedPhones.Count(p => p != invalid.Phone)).Pass();
    }

    /// <summary>Waits until Messaging's <c>/health/ready</c> is Degraded and names <paramref name="code"/>.</summary>
    private static Task<(string Status, string? Reason)> HealthMentioningAsync(FaultCluster cluster, string code, TimeSpan within) =>
        Eventually.GetAsync(cluster.MessagingHealthAsync, h => h.Status == "Degraded" && h.Reason?.Contains(code) == true,
            $"/health/ready Degraded naming {code}", within);
}
