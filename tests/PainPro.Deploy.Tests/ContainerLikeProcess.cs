using System.Diagnostics;
using System.Text;
using PainPro.Testing;

namespace PainPro.Deploy.Tests;

/// <summary>
/// A service's own build output started the way its container starts it: <c>dotnet PainPro.X.dll</c>, configured
/// only by environment variables (the port from ASPNETCORE_HTTP_PORTS), none inherited from the test runner's own
/// ASP.NET Core or PainPro settings. So the test sees what the image would really serve.
/// </summary>
public sealed class ContainerLikeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ContainerLikeProcess(Process process) => _process = process;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    public static ContainerLikeProcess Start(string assemblyPath, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(assemblyPath))
            throw new InvalidOperationException($"{assemblyPath} is missing: build the solution in the test's configuration first.");
        var start = new ProcessStartInfo("dotnet", [assemblyPath])
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Only what the container would have: nothing of the test runner's own ASP.NET Core or PainPro settings.
        foreach (var inherited in start.Environment.Keys.Where(k =>
                     k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) ||
                     k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase) ||
                     k.StartsWith("PainPro__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        foreach (var (name, value) in environment) start.Environment[name] = value;

        var process = new Process { StartInfo = start };
        var service = new ContainerLikeProcess(process);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>The service's assembly in the build output of the configuration these tests were built in.</summary>
    public static string AssemblyPath(string project)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;              // net10.0
        var configuration = testOutput.Parent!.Name;  // Release or Debug
        return Path.Combine(TestInfrastructure.RepositoryRoot, "services", project, "bin", configuration, framework, project + ".dll");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
