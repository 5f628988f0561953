using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>PainPro's RabbitMQ queues in a cluster's virtual host, as <c>rabbitmqctl</c> sees them.</summary>
public static class Queues
{
    /// <summary>Asserts no error queue of the cluster holds a message: nothing was set aside during a fault.</summary>
    public static async Task AssertNoErrorQueueHoldsMessagesAsync(FaultCluster cluster)
    {
        var errors = (await ListAsync(cluster)).Where(q => IsDeadLetter(q.Name) && q.Messages > 0).ToList();
        Assert.True(errors.Count == 0, $"messages were given up into error queues: {string.Join(", ", errors.Select(q => $"{q.Name} ({q.Messages})"))}");
    }

    public static bool IsDeadLetter(string queue) => queue.EndsWith("_error", StringComparison.Ordinal) || queue.EndsWith("_skipped", StringComparison.Ordinal);

    public sealed record QueueDepth(string Name, long Messages);

    /// <summary>PainPro's queues in the cluster's virtual host with their depth (ready and unacknowledged).</summary>
    public static async Task<IReadOnlyList<QueueDepth>> ListAsync(FaultCluster cluster)
    {
        var output = await TestInfrastructure.RunAsync("rabbitmqctl", $"-q list_queues -p {cluster.Rabbit.Name} name messages --no-table-headers");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', ' '))
            .Where(parts => parts.Length >= 2 && (parts[0].StartsWith("scheduling-") || parts[0].StartsWith("messaging-") || parts[0].StartsWith("ingestion-")))
            .Select(parts => new QueueDepth(parts[0], long.Parse(parts[^1])))];
    }
}
