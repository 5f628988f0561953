using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PainPro.Testing;

/// <summary>Every log line of a test host, kept for assertions (no patient data at Information and above).</summary>
public sealed class CapturedLogs(string host) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> lines = new();

    public IReadOnlyCollection<LogLine> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    public sealed record LogLine(string Host, string Category, LogLevel Level, string Message, Exception? Exception)
    {
        public override string ToString() => $"[{Host}] {Level} {Category}: {Message}{(Exception is null ? "" : " " + Exception.GetType().Name + ": " + Exception.Message)}";
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new LogLine(owner.HostName, category, logLevel, formatter(state, exception), exception);
            owner.lines.Enqueue(line);
            // Warnings and errors also reach the test output, where a failing test's reader needs them.
            if (logLevel >= LogLevel.Warning) Console.Error.WriteLine(line);
        }
    }

    private string HostName => host;
}
