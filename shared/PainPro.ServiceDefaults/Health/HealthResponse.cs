using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PainPro.ServiceDefaults.Health;

/// <summary>
/// The body of <c>/health/live</c> and <c>/health/ready</c>: the overall status and each check's, with the reason of a
/// degraded one — "Degraded" comes with why (an outbox that cannot publish, a provider refusing our sender). An
/// unhealthy check's reason (it may name a database host) stays in the logs: these endpoints answer anyone.
/// Orchestrators read the status code, people the reason.
/// </summary>
internal static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Status == HealthStatus.Degraded ? e.Value.Description : null,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
