using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// PostgreSQL restarts while surveys are being dispatched and patients are replying. Replies that arrive while it is
/// down get a 5xx and are delivered again by "Twilio" (same MessageSid, same signature); each is stored once. The
/// consumers retry through the outage; nothing lands in an error queue; the services recover without a restart.
/// </summary>
public class PostgresRestartTests
{
    [Fact]
    public async Task Surveys_replies_and_alerts_go_through_exactly_once_across_a_postgresql_restart_under_load()
    {
        using var entry = Ledger.Open("faults.postgres-restart", Ledger.Faults,
            $"PostgreSQL restarted under load: {Sizes.RestartSurveys:N0} surveys dispatching, {Sizes.RestartReplies:N0} patients replying");
        await using var cluster = await FaultCluster.StartAsync();
        using var webhook = cluster.WebhookClient();

        var cohort = await cluster.EnrollAsync(Sizes.RestartSurveys);
        var repliers = await cluster.WaitForRepliersAsync(cohort, Sizes.RestartReplies);

        // Replies spread over ~8 s, so some arrive before, during and after the restart.
        var spread = TimeSpan.FromSeconds(8);
        var replies = FaultCluster.ForEachAsync(repliers.Select((p, i) => (p, i)), 16, async r =>
        {
            await Task.Delay(spread * r.i / repliers.Count);
            await cluster.ReplyToSurveyAsync(webhook, r.p);
        });
        var started = DateTime.UtcNow;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            entry.Count("texts accepted when PostgreSQL stopped", cluster.AcceptedTexts(cohort).Count);
            await FaultCluster.PostgresAsync("restart");
        }
        finally
        {
            await FaultCluster.PostgresAsync("start");
        }
        entry.Count("seconds from first reply to PostgreSQL back", (long)(DateTime.UtcNow - started).TotalSeconds);
        await replies;

        var account = await cluster.SettleAsync(cohort, repliers, TimeSpan.FromSeconds(240));

        account.AssertExactlyOnce(entry);
        cluster.AssertNoPatientDetailsLogged(cohort);
        await cluster.AssertAllReadyAsync(TimeSpan.FromSeconds(30));
        await Queues.AssertNoErrorQueueHoldsMessagesAsync(cluster);
        foreach (var (why, count) in cluster.WebhookFailures) entry.Count($"webhook deliveries repeated after {why}", count);
        if (cluster.WebhookRetries > 0)
            entry.Finding($"{cluster.WebhookRetries} webhook deliveries during the restart got {string.Join("/", cluster.WebhookFailures.Keys)} and were repeated by Twilio's retry; each stored once");
        entry.Pass();
    }
}
