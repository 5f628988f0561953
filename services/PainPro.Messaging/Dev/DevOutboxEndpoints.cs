using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PainPro.Messaging.Dev;

public static class DevOutboxEndpoints
{
    /// <summary><c>GET /dev/outbox?to=</c>: what the dev gateways "sent", newest last (DESIGN §9). Dev mode only.</summary>
    public static IEndpointConventionBuilder MapDevOutbox(this IEndpointRouteBuilder app) =>
        app.MapGet("/dev/outbox", (string? to, DevOutbox outbox) => Results.Ok(outbox.List(to)))
            .WithTags("dev");
}
