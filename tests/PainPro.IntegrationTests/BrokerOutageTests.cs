using Dapper;
using Npgsql;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests;

/// <summary>
/// RabbitMQ stops in the middle of the slice and comes back: the outbox holds what could not be published, the
/// relay publishes it when the broker returns, and the inboxes make any re-publication harmless.
/// Runs alone (the collection is not parallel) because it stops the shared broker.
/// </summary>
public class BrokerOutageTests
{
    private static readonly TimeSpan AfterOutage = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_slice_completes_across_two_broker_outages_with_one_text_and_one_alert()
    {
        await using var topology = await Topology.StartSeparateAsync(TestDatabase.Postgres);
        var slice = topology.NewSlice();
        using var messaging = topology.MessagingHost.CreateClient();

        try
        {
            // Outage 1: the procedure is registered while the broker is down; EnrollmentCreated and SurveyDue wait in the outbox.
            await RabbitMq("stop");
            await slice.RegisterProcedureDueNowAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            await RabbitMq("start");
            await slice.WaitForSurveyTextAsync(AfterOutage);

            await slice.ReplyAsync("9", AfterOutage);
            await slice.WaitForOpenAlertAsync(AfterOutage);

            // Outage 2: the completing reply is stored while the broker is down; SurveyCompleted reaches Scheduling later.
            await RabbitMq("stop");
            var twiml = await slice.ReplyAsync("2", TimeSpan.FromSeconds(30));
            Assert.Contains("<Message>", twiml);
            await RabbitMq("start");
            await slice.WaitForDay3StatusAsync("completed", AfterOutage);
        }
        finally
        {
            await RabbitMq("start");
        }

        // Exactly once, counted by what patients and nurses see.
        // One survey text. A reply that reached Ingestion before the survey's SurveyDue is answered once the survey
        // opens, so its next question comes as a text of its own rather than in the webhook's TwiML; no text twice.
        var texts = await slice.WaitForSurveyTextAsync();
        Assert.True(texts.Count(t => t!["link"] is not null) == 1, $"one survey text to the patient: {texts.ToJsonString()}");
        Assert.True(texts.Select(t => t!["body"]!.GetValue<string>()).Distinct().Count() == texts.Count, $"no text sent twice: {texts.ToJsonString()}");
        await slice.WaitForOpenAlertAsync(); // Single(): one open alert for the enrollment, not one per delivery

        // Nothing committed stays unpublished.
        var connection = topology.SchedulingHost.App.Configuration["PainPro:Database:ConnectionString"]!;
        await Eventually.TrueAsync(async () =>
        {
            await using var db = new NpgsqlConnection(connection);
            var unsent = await db.ExecuteScalarAsync<long>(
                "SELECT (SELECT COUNT(*) FROM scheduling.outbox WHERE sent_at IS NULL) + (SELECT COUNT(*) FROM messaging.outbox WHERE sent_at IS NULL) + (SELECT COUNT(*) FROM ingestion.outbox WHERE sent_at IS NULL)");
            return unsent == 0;
        }, "every outbox to be drained", AfterOutage);
    }

    private static Task RabbitMq(string command) =>
        TestInfrastructure.RunAsync("bash", $"{TestInfrastructure.RabbitMqControl} {command}", TimeSpan.FromMinutes(2));
}
