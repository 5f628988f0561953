using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Jobs;

namespace PainPro.ServiceDefaults.Dev;

/// <summary>The dev-only clock endpoints of DESIGN §9. Mapped only when dev mode is on (404 otherwise).</summary>
internal static class DevEndpoints
{
    public sealed record ClockView(DateTimeOffset Now, bool Simulated);
    public sealed record AdvanceRequest(string? By);
    public sealed record AdvanceResult(DateTimeOffset Now, int DueWorkHandled);

    public static void MapDevClock(this IEndpointRouteBuilder app)
    {
        var dev = app.MapGroup("/dev").WithTags("dev");
        dev.MapGet("/clock", (TimeProvider clock) => new ClockView(clock.GetUtcNow(), clock is SimulatedClock));

        dev.MapPost("/clock/advance", async (AdvanceRequest? request, TimeProvider clock, DueJobs dueJobs, CancellationToken ct) =>
        {
            if (clock is not SimulatedClock simulated)
                return Results.Problem("The clock is the system clock; start with PainPro:Clock=simulated to move it.",
                    statusCode: StatusCodes.Status409Conflict);
            if (!TryParseDuration(request?.By, out var by))
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["by"] = ["Give a positive ISO 8601 duration such as \"P3D\" or \"PT4H\"."],
                });
            var now = simulated.Advance(by);
            var handled = await dueJobs.RunAllNowAsync(ct);
            return Results.Ok(new AdvanceResult(now, handled));
        });
    }

    internal static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        try { duration = XmlConvert.ToTimeSpan(text.Trim()); }
        catch (FormatException) { return false; }
        catch (OverflowException) { return false; }
        return duration > TimeSpan.Zero;
    }
}
