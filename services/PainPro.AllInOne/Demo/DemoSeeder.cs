using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PainPro.Portal;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Jobs;

namespace PainPro.AllInOne.Demo;

/// <summary>
/// Seeds the demo cohort on the first start of an empty AllInOne, in the background so the host is ready at once.
/// It moves the simulated clock back by the demo period, then lives through it: patients are registered as they
/// have their procedures, surveys go out when the scheduler says so, patients answer by text or web form, nurses
/// acknowledge and resolve alerts — all through the public APIs — and the clock ends at the real now.
/// A marker file in the data directory makes this happen once.
/// </summary>
internal sealed class DemoSeeder(
    IOptions<DemoOptions> demoOptions,
    IOptions<PainProOptions> painProOptions,
    TimeProvider clock,
    DueJobs dueWork,
    Credentials credentials,
    IServer server,
    IHostApplicationLifetime lifetime,
    SystemNotices notices,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    private const string NoticeKey = "demo-seed";

    private sealed record Marker(string State, DateTimeOffset At);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = demoOptions.Value;
        var painPro = painProOptions.Value;
        if (!options.Seed) return;
        if (!painPro.Dev.Enabled || clock is not SimulatedClock simulated || credentials.DevApiKey is null)
        {
            logger.LogInformation("Demo seed skipped: it needs dev mode and the simulated clock");
            return;
        }

        if (!await WhenStartedAsync(stoppingToken)) return;
        var markerFile = Path.Combine(painPro.DataDirectory, "demo-seed.json");
        var marker = ReadMarker(markerFile);
        if (marker is { State: "running" })
        {
            // Interrupted part-way: the data is half a demo, and the clock still in the past. Bring time back to now.
            logger.LogWarning("The demo seed was interrupted on a previous run; delete {DataDirectory} to seed it again", painPro.DataDirectory);
            if (simulated.Offset < TimeSpan.Zero) simulated.Advance(-simulated.Offset);
            return;
        }
        if (marker is not null) return;

        using var http = new HttpClient { BaseAddress = OwnAddress(), Timeout = TimeSpan.FromSeconds(60) };
        var api = new DemoApi(http, credentials.DevApiKey);
        try
        {
            if ((await api.EnrollmentsAsync(stoppingToken)).Count > 0)
            {
                logger.LogInformation("Demo seed skipped: the databases already hold enrollments");
                WriteMarker(markerFile, "skipped");
                return;
            }

            WriteMarker(markerFile, "running");
            var simulation = new DemoSimulation(api, simulated, dueWork, options, logger);
            await simulation.RunAsync(progress => notices.Set(NoticeKey, progress), stoppingToken);
            WriteMarker(markerFile, "complete");
            logger.LogInformation("Demo seed complete: {Summary}", simulation.Summary);
            Console.WriteLine($"PainPro demo cohort loaded: {simulation.Summary}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception ex)
        {
            logger.LogError(ex, "The demo seed failed; the Portal shows whatever was seeded so far");
            if (simulated.Offset < TimeSpan.Zero) simulated.Advance(-simulated.Offset);
        }
        finally
        {
            notices.Clear(NoticeKey);
        }
    }

    private async Task<bool> WhenStartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var cancel = ct.Register(() => started.TrySetCanceled(ct));
        try { await started.Task; return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>The address this host listens on, as a loopback URL (a wildcard binding is reached on 127.0.0.1).</summary>
    private Uri OwnAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? painProOptions.Value.PublicBaseUrl;
        var uri = new UriBuilder(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://[::]", "://127.0.0.1"));
        if (uri.Host is "0.0.0.0" or "localhost") uri.Host = "127.0.0.1";
        uri.Path = "/";
        return uri.Uri;
    }

    private static Marker? ReadMarker(string file)
    {
        try { return File.Exists(file) ? JsonSerializer.Deserialize<Marker>(File.ReadAllText(file)) : null; }
        catch (JsonException) { return new Marker("unreadable", DateTimeOffset.UtcNow); }
    }

    private void WriteMarker(string file, string state)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.WriteAllText(file, JsonSerializer.Serialize(new Marker(state, TimeProvider.System.GetUtcNow())));
        }
        catch (IOException ex) { logger.LogWarning(ex, "Could not write the demo marker {File}", file); }
    }
}
