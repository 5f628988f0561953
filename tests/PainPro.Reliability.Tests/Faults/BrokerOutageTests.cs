using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// RabbitMQ stops in the middle of dispatching a cohort's surveys and of patients replying, and comes back: every
/// survey is sent, every reply stored, every alert raised and notified — exactly once — and the services recover
/// without a restart. Half the cohort is enrolled before the outage (their SurveyDue wait in the queues or in
/// flight), half during it (their SurveyDue wait in Scheduling's outbox).
/// </summary>
public class BrokerOutageTests
{
    [Fact]
    public async Task Surveys_replies_and_alerts_go_through_exactly_once_across_a_rabbitmq_outage()
    {
        var outage = Sizes.BrokerOutage;
        using var entry = Ledger.Open("faults.rabbitmq-outage", Ledger.Faults,
            $"RabbitMQ stopped {outage.TotalSeconds:0} s mid-dispatch of {Sizes.OutageSurveys:N0} surveys and {Sizes.OutageReplies:N0} patients replying");
        await using var cluster = await FaultCluster.StartAsync();
        using var webhook = cluster.WebhookClient();

        var before = await cluster.EnrollAsync(Sizes.OutageSurveys / 2);
        // Mid-batch: enough texts out for the repliers, most of the batch still to go.
        var repliers = await cluster.WaitForRepliersAsync(before, Sizes.OutageReplies);

        IReadOnlyList<Patient> during;
        var stopped = DateTime.UtcNow;
        try
        {
            entry.Count("texts accepted when RabbitMQ stopped", cluster.AcceptedTexts(before).Count);
            await FaultCluster.RabbitMqAsync("stop");
            stopped = DateTime.UtcNow;
            // While the broker is down: enrolment, replies (stored first, answered from the database) all still work.
            during = await cluster.EnrollAsync(Sizes.OutageSurveys - before.Count);
            await FaultCluster.ForEachAsync(repliers, 8, p => cluster.ReplyToSurveyAsync(webhook, p));
            var left = outage - (DateTime.UtcNow - stopped);
            if (left > TimeSpan.Zero) await Task.Delay(left);
        }
        finally
        {
            await FaultCluster.RabbitMqAsync("start");
        }
        entry.Count("seconds without RabbitMQ", (long)(DateTime.UtcNow - stopped).TotalSeconds);

        var returned = DateTime.UtcNow;
        var cohort = before.Concat(during).ToList();
        var account = await cluster.SettleAsync(cohort, repliers, TimeSpan.FromSeconds(240));
        entry.Count("seconds to settle after RabbitMQ returned", (long)Math.Ceiling((DateTime.UtcNow - returned).TotalSeconds));

        entry.Count("outbox batches re-published after a lost confirm", cluster.AbandonedRelayBatches());
        entry.Count("buses restarted by their watchdog", cluster.BusRestarts());
        account.AssertExactlyOnce(entry);
        cluster.AssertNoPatientDetailsLogged(cohort);
        await cluster.AssertAllReadyAsync(TimeSpan.FromSeconds(30));
        entry.Count("webhook retries", cluster.WebhookRetries).Pass();
    }
}
