using System.Collections.Concurrent;
using System.Diagnostics;

namespace PainPro.Reliability.Tests.Support;

/// <summary>
/// A service as a real process that can be SIGKILLed and started again on the same port — what
/// <c>PainPro.Testing.ServiceProcess</c> does. That class cannot find the service assemblies yet (it reads the build
/// configuration from <c>bin/{Configuration}/net10.0/</c> one level too high and looks in <c>bin/bin/</c>); until it
/// does, this stand-in resolves the configuration correctly. Swap back to <c>ServiceProcess</c> once it is fixed.
/// </summary>
public sealed class ServiceProcessFallback : IAsyncDisposable
{
    private readonly ProcessStartInfo startInfo;
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;

    private ServiceProcessFallback(string service, int port, ProcessStartInfo startInfo)
    {
        Service = service;
        Port = port;
        this.startInfo = startInfo;
    }

    public string Service { get; }
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public bool IsRunning => process is { HasExited: false };

    /// <summary>Everything the process wrote, across restarts.</summary>
    public IReadOnlyCollection<string> Output => output;

    public static async Task<ServiceProcessFallback> StartAsync(string service, IDictionary<string, string?> configuration, int? port = null)
    {
        var configurationName = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug"; // bin/{Configuration}/net10.0/
        var dll = Path.Combine(Testing.TestInfrastructure.RepositoryRoot, "services", $"PainPro.{service}", "bin", configurationName, "net10.0", $"PainPro.{service}.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built; build the solution first.", dll);
        var chosenPort = port ?? Testing.TestInfrastructure.FreePort();
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --urls http://127.0.0.1:{chosenPort}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in configuration) info.Environment[key.Replace(":", "__")] = value;
        info.Environment.TryAdd("PainPro__PublicBaseUrl", $"http://127.0.0.1:{chosenPort}");
        info.Environment["DOTNET_gcServer"] = "0";
        var started = new ServiceProcessFallback(service, chosenPort, info);
        await started.StartAgainAsync();
        return started;
    }

    /// <summary>Starts (or restarts, on the same port) and waits for <c>/health/ready</c>.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning) throw new InvalidOperationException($"{Service} is already running.");
        process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {Service}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Service} exited with {process.ExitCode}:\n{string.Join('\n', output.TakeLast(40))}");
            try
            {
                if ((await client.GetAsync(BaseUrl + "/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Service} was not ready within 60 s:\n{string.Join('\n', output.TakeLast(40))}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing.</summary>
    public async Task KillAsync()
    {
        if (process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
    }
}
