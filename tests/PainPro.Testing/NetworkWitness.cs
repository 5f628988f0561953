using System.Diagnostics.Tracing;

namespace PainPro.Testing;

/// <summary>
/// Records every DNS look-up, socket connect and HTTP request a process makes, one line each, to the file named by
/// <c>PAINPRO_NETWORK_WITNESS</c>: loaded into a service process as a .NET startup hook (<see cref="ForProcess"/>), it
/// watches the runtime's own networking events, so nothing in the service has to cooperate.
/// Lines: <c>dns {host}</c>, <c>connect {socket address}</c>, <c>http {scheme}://{host}:{port}</c>.
/// </summary>
public sealed class NetworkWitness : EventListener
{
    public const string LogVariable = "PAINPRO_NETWORK_WITNESS";

    private static string? logFile;
    private static readonly Lock Gate = new();

    /// <summary>The environment that makes a service process start with the witness, writing to <paramref name="logFile"/>.</summary>
    public static Dictionary<string, string?> ForProcess(string logFile) => new()
    {
        ["DOTNET_STARTUP_HOOKS"] = typeof(NetworkWitness).Assembly.Location,
        [LogVariable] = logFile,
    };

    internal static void Start(string file)
    {
        logFile = file;
        _ = new NetworkWitness(); // lives as long as the process: the runtime keeps listeners
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name is "System.Net.NameResolution" or "System.Net.Sockets" or "System.Net.Http")
            EnableEvents(source, EventLevel.Informational);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        var line = (e.EventSource.Name, e.EventName) switch
        {
            ("System.Net.NameResolution", "ResolutionStart") => $"dns {e.Payload?[0]}",
            ("System.Net.Sockets", "ConnectStart") => $"connect {e.Payload?[0]}",
            ("System.Net.Http", "RequestStart") => $"http {e.Payload?[0]}://{e.Payload?[1]}:{e.Payload?[2]}",
            _ => null,
        };
        if (line is null || logFile is null) return;
        lock (Gate) File.AppendAllText(logFile, line + Environment.NewLine);
    }
}
