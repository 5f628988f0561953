using System.Diagnostics;
using System.Text;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests;

/// <summary>The README's run command, as a newcomer runs it: a real process on the embedded defaults.</summary>
public class AllInOneProcessTests
{
    [Fact]
    public async Task AllInOne_is_ready_within_15_seconds_and_prints_the_dev_credentials()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "PainPro.AllInOne.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing");
        var port = TestInfrastructure.FreePort();
        var data = Path.Combine(Path.GetTempPath(), "painpro-run-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["PainPro__DataDirectory"] = data;
        start.Environment["PainPro__PublicBaseUrl"] = $"http://127.0.0.1:{port}";
        start.Environment["PainPro__Demo__Seed"] = "false";
        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = Stopwatch.StartNew();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
            var ready = false;
            while (!ready && started.Elapsed < TimeSpan.FromSeconds(15) && !process.HasExited)
            {
                try { ready = (await client.GetAsync("/health/ready")).IsSuccessStatusCode; }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                if (!ready) await Task.Delay(100);
            }
            string log;
            lock (output) log = output.ToString();
            Assert.True(ready, $"not ready after {started.Elapsed}; output:\n{log}");
            Assert.Matches(@"dev API key \(X-Api-Key\): \S+", log);
            Assert.Matches(@"dev Twilio auth token:\s+\S+", log);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
