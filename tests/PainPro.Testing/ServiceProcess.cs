using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PainPro.Testing;

/// <summary>
/// A PainPro service as a real operating-system process (<c>dotnet services/PainPro.X/bin/…/PainPro.X.dll</c>),
/// for what in-process hosts cannot show: SIGKILL mid-batch, a restart on the same port, peak RSS per service.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo startInfo;
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;
    private string readyPath = "/health/ready";

    private ServiceProcess(string service, int port, ProcessStartInfo startInfo)
    {
        Service = service;
        Port = port;
        this.startInfo = startInfo;
    }

    /// <summary><c>Scheduling</c>, <c>Messaging</c>, <c>Ingestion</c>, <c>Portal</c> or <c>AllInOne</c>.</summary>
    public string Service { get; }
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public int? ProcessId => process is { HasExited: false } p ? p.Id : null;
    public bool IsRunning => process is { HasExited: false };

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public IReadOnlyCollection<string> Output => output;

    /// <summary>The garbage collector's generation-0 budget the Helm chart gives every service (<c>dotnet.gcGen0Size</c>).</summary>
    public const string GcGen0Size = "0x400000";

    /// <param name="service">The project suffix: <c>Scheduling</c> runs <c>PainPro.Scheduling.dll</c>.</param>
    /// <param name="configuration">PainPro settings, passed as environment variables.</param>
    /// <param name="readyPath">What "started" means: <c>/health/ready</c>, or <c>/health/live</c> for a service expected not to be ready.</param>
    public static async Task<ServiceProcess> StartAsync(string service, IDictionary<string, string?> configuration, int? port = null, TimeSpan? readyWithin = null,
        string readyPath = "/health/ready")
    {
        var dll = ServiceDll(service);
        var chosenPort = port ?? TestInfrastructure.FreePort();
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --urls http://127.0.0.1:{chosenPort}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in configuration)
            info.Environment[key.Replace(":", "__")] = value;
        info.Environment.TryAdd("PainPro__PublicBaseUrl", $"http://127.0.0.1:{chosenPort}");
        info.Environment["DOTNET_gcServer"] = "0";
        // As the chart sets it, unless the caller's environment says otherwise (0: the runtime's own, to compare).
        info.Environment.TryAdd("DOTNET_GCgen0size", GcGen0Size);

        var started = new ServiceProcess(service, chosenPort, info) { readyPath = readyPath };
        await started.StartAgainAsync(readyWithin);
        return started;
    }

    /// <summary>Starts (or restarts, on the same port) and waits for <c>/health/ready</c>.</summary>
    public async Task StartAgainAsync(TimeSpan? readyWithin = null)
    {
        if (process is { HasExited: false }) throw new InvalidOperationException($"{Service} is already running.");
        process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {Service}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitReadyAsync(readyWithin ?? TimeSpan.FromSeconds(60));
    }

    public async Task WaitReadyAsync(TimeSpan within)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (process is { HasExited: true })
            {
                // HasExited can be true before the output events have all been raised: wait for both streams to end, or
                // the message may lack the very line that says why the process stopped.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"{Service} exited with {process.ExitCode}:\n{string.Join('\n', output.TakeLast(40))}");
            }
            try
            {
                if ((await client.GetAsync(readyPath)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Service} was not ready within {within}:\n{string.Join('\n', output.TakeLast(40))}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — the crash the outbox and inbox must survive.</summary>
    public async Task KillAsync()
    {
        if (process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
    }

    /// <summary>Peak resident set size (VmHWM) so far, in bytes.</summary>
    public long PeakRssBytes() => ReadStatus("VmHWM");

    /// <summary>Current resident set size (VmRSS), in bytes.</summary>
    public long RssBytes() => ReadStatus("VmRSS");

    private long ReadStatus(string field)
    {
        if (ProcessId is not { } pid) return 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            var match = StatusLine().Match(line);
            if (match.Success && match.Groups[1].Value == field) return long.Parse(match.Groups[2].Value) * 1024;
        }
        return 0;
    }

    [GeneratedRegex(@"^(\w+):\s+(\d+) kB")]
    private static partial Regex StatusLine();

    /// <summary>The built service assembly, from the same configuration (Debug/Release) as the running tests.</summary>
    public static string ServiceDll(string service)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug"; // bin/{Configuration}/net10.0/
        var dll = Path.Combine(TestInfrastructure.RepositoryRoot, "services", $"PainPro.{service}", "bin", configuration, "net10.0", $"PainPro.{service}.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is not built; build the solution first (tests/run.sh does).", dll);
        return dll;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        process?.Dispose();
    }
}
