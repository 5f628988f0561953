using System.Text.Json.Nodes;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>A cohort's day-3 surveys as the public enrollment API shows them (<c>GET /api/enrollments/{id}</c>), by external id.</summary>
public static class Day3Statuses
{
    public sealed record Day3(string ExternalId, string Status, string? DeliveryReason, string? DeliveryErrorCode,
        DateTimeOffset? NextAttemptAt, DateTimeOffset? LastSentAt);

    public static async Task<Dictionary<string, Day3>> ReadAsync(FaultCluster cluster)
    {
        using var api = cluster.Scheduling.CreateClient();
        api.Timeout = TimeSpan.FromMinutes(2);
        var ids = JsonNode.Parse(await api.GetStringAsync("/api/enrollments"))!.AsArray().Select(e => e!["enrollmentId"]!.GetValue<Guid>()).ToList();
        var views = new System.Collections.Concurrent.ConcurrentBag<Day3>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            var enrollment = JsonNode.Parse(await api.GetStringAsync($"/api/enrollments/{id}", ct))!;
            var day3 = enrollment["surveys"]!.AsArray().Single(s => s!["timepoint"]!.GetValue<string>() == "day3")!;
            views.Add(new Day3(enrollment["externalId"]!.GetValue<string>(), day3["status"]!.GetValue<string>(),
                day3["deliveryReason"]?.GetValue<string>(), day3["deliveryErrorCode"]?.GetValue<string>(),
                day3["nextAttemptAt"]?.GetValue<DateTimeOffset>(), day3["lastSentAt"]?.GetValue<DateTimeOffset>()));
        });
        return views.ToDictionary(v => v.ExternalId);
    }
}
