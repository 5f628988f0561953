using System.Diagnostics;
using System.Net.Sockets;

namespace PainPro.Testing;

/// <summary>
/// Where the real infrastructure of the tests lives. <c>tests/run.sh</c> installs and starts it and exports these
/// variables; the defaults match what it starts, so a developer who ran it once can run a test project directly.
/// </summary>
public static class TestInfrastructure
{
    public static string PostgresAdmin =>
        Env("PAINPRO_TEST_POSTGRES", "Host=127.0.0.1;Port=5432;Username=painpro;Password=painpro;Database=postgres;SSL Mode=Disable");

    public static string RabbitMqUri => Env("PAINPRO_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/");

    public static (string Host, int Port) Smtp
    {
        get
        {
            var value = Env("PAINPRO_TEST_SMTP", "127.0.0.1:1025");
            var colon = value.LastIndexOf(':');
            return (value[..colon], int.Parse(value[(colon + 1)..]));
        }
    }

    /// <summary>
    /// A SQL Server login that may create databases (<c>PAINPRO_SQLSERVER</c>), or null: no SQL Server runs where
    /// PainPro is built, so the SQL Server cases of <see cref="DatabaseTheoryAttribute"/> tests are skipped without it.
    /// </summary>
    public static string? SqlServer => Environment.GetEnvironmentVariable("PAINPRO_SQLSERVER") is { Length: > 0 } value ? value : null;

    public const string SqlServerSkipReason =
        "PAINPRO_SQLSERVER is not set: the SQL Server cases run where it holds a connection string (README \"SQL Server\")";

    public static string MaildevApi => Env("PAINPRO_TEST_MAILDEV", "http://127.0.0.1:1080");

    public static string Chromium => Env("PAINPRO_CHROMIUM", "/usr/bin/chromium");

    public static string RabbitMqControl => Env("PAINPRO_RABBITMQ_CTL", Path.Combine(RepositoryRoot, "tests/infra/rabbitmq.sh"));

    public static string PostgresControl => Env("PAINPRO_POSTGRES_CTL", Path.Combine(RepositoryRoot, "tests/infra/postgres.sh"));

    /// <summary>The checkout's root (the folder holding PainPro.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a command and returns its output; throws with the output when it fails.</summary>
    public static async Task<string> RunAsync(string file, string arguments, TimeSpan? timeout = null)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {file}.");
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await stderr}{await stdout}");
        return await stdout;
    }

    internal static string Unreachable(string what, Exception ex) =>
        $"{what} is not reachable ({ex.Message}). Run tests/run.sh once: it installs and starts the test infrastructure.";

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PainPro.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
