using System.Text;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;
using RabbitMQ.Client;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// A poison message on each of PainPro's queues — bytes that are not a message at all, and a well-formed envelope
/// whose message is empty — is set aside (the queue's <c>_error</c> queue, or consumed as a harmless no-op), never
/// blocks the queue, never stops a consumer; the cohort sent afterwards goes through exactly once.
/// </summary>
public class PoisonMessageTests
{
    private const string MassTransitJson = "application/vnd.masstransit+json";

    /// <summary>
    /// The contract each queue's consumer takes, as RabbitMQ routes it: MassTransit binds the message type's exchange
    /// (<c>PainPro.Contracts:SurveyDue</c>) to the endpoint's exchange, which is bound to the queue of the same name.
    /// </summary>
    private static async Task<Dictionary<string, Type?>> MessageTypesAsync(FaultCluster cluster, IEnumerable<string> queues)
    {
        var output = await TestInfrastructure.RunAsync("rabbitmqctl", $"-q list_bindings -p {cluster.Rabbit.Name} source_name destination_name --no-table-headers");
        var sources = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(parts => parts.Length == 2 && parts[0].StartsWith("PainPro.Contracts:", StringComparison.Ordinal))
            .ToLookup(parts => parts[1], parts => parts[0]["PainPro.Contracts:".Length..]);
        return queues.ToDictionary(queue => queue, queue => sources[queue].Distinct().SingleOrDefault() is { } name
            ? typeof(PainPro.Contracts.SurveyDue).Assembly.GetType($"PainPro.Contracts.{name}")
            : null);
    }

    [Fact]
    public async Task A_poison_message_on_every_queue_is_set_aside_and_the_next_cohort_goes_through_exactly_once()
    {
        using var entry = Ledger.Open("faults.poison-messages", Ledger.Faults, "A poison message on each queue (garbage bytes and an empty envelope)");
        await using var cluster = await FaultCluster.StartAsync();
        var queues = (await Queues.ListAsync(cluster)).Where(q => !Queues.IsDeadLetter(q.Name)).Select(q => q.Name).ToList();
        var types = await MessageTypesAsync(cluster, queues);
        var unknown = queues.Where(q => types[q] is null).ToList();
        Assert.True(unknown.Count == 0, $"queues this test does not know the message type of: {string.Join(", ", unknown)}");
        Assert.True(queues.Count >= 12, $"expected every service's queues, found {string.Join(", ", queues)}");

        var factory = new ConnectionFactory { Uri = new Uri(cluster.Rabbit.Uri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            foreach (var queue in queues)
            {
                var type = types[queue]!.Name;
                await PublishAsync(channel, queue, "this is not a message {"u8.ToArray());
                await PublishAsync(channel, queue, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
                {
                    messageId = Guid.NewGuid(),
                    messageType = new[] { $"urn:message:PainPro.Contracts:{type}" },
                    message = new { },
                    sentTime = DateTimeOffset.UtcNow,
                    headers = new { },
                }));
                entry.Count("poison messages", 2);
            }
        }
        entry.Count("queues", queues.Count);

        // Set aside: every queue drains, and every queue's garbage waits in its error queue.
        var settled = await Eventually.GetAsync(() => Queues.ListAsync(cluster),
            all => queues.All(q => all.Single(x => x.Name == q).Messages == 0 && all.Any(x => x.Name == q + "_error" && x.Messages >= 1)),
            "every poison message moved to its error queue", TimeSpan.FromSeconds(90));
        entry.Count("messages in error queues", settled.Where(q => Queues.IsDeadLetter(q.Name)).Sum(q => q.Messages));
        await cluster.AssertAllReadyAsync(TimeSpan.FromSeconds(10));

        // And the system still works: a cohort after the poison goes through exactly once.
        using var webhook = cluster.WebhookClient();
        var cohort = await cluster.EnrollAsync(50);
        var repliers = await cluster.WaitForRepliersAsync(cohort, 10);
        await FaultCluster.ForEachAsync(repliers, 5, p => cluster.ReplyToSurveyAsync(webhook, p));
        var account = await cluster.SettleAsync(cohort, repliers, TimeSpan.FromSeconds(120));
        account.AssertExactlyOnce(entry);
        cluster.AssertNoPatientDetailsLogged(cohort);
        entry.Pass();
    }

    private static async Task PublishAsync(IChannel channel, string queue, byte[] body)
    {
        var properties = new BasicProperties { ContentType = MassTransitJson, MessageId = Guid.NewGuid().ToString(), Persistent = true };
        await channel.BasicPublishAsync("", queue, mandatory: false, basicProperties: properties, body: body);
    }
}
