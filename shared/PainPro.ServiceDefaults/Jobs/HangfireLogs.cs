using HangfireLogging = Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>
/// Hangfire logs through one static provider per process, and its ASP.NET Core integration points it at the logger
/// factory of whichever host configured Hangfire last. Several hosts in one process (the tests, the benchmark) would
/// then log into — and, once that host is disposed, throw <see cref="ObjectDisposedException"/> from — another host's
/// factory, in the middle of Hangfire's own work. This bridge is the static provider instead: it writes to the most
/// recently started host that is still alive, and drops a line rather than fail.
/// </summary>
internal sealed class HangfireLogs : HangfireLogging.ILogProvider
{
    public static readonly HangfireLogs Instance = new();

    private readonly object gate = new();
    private readonly List<ILoggerFactory> factories = [];

    public void Attach(ILoggerFactory factory)
    {
        lock (gate) { factories.Remove(factory); factories.Add(factory); }
    }

    public void Detach(ILoggerFactory factory)
    {
        lock (gate) factories.Remove(factory);
    }

    public HangfireLogging.ILog GetLogger(string name) => new BridgedLog(this, name);

    private ILogger? Logger(string name)
    {
        while (true)
        {
            ILoggerFactory factory;
            lock (gate)
            {
                if (factories.Count == 0) return null;
                factory = factories[^1];
            }
            try { return factory.CreateLogger(name); }
            catch (ObjectDisposedException) { Detach(factory); }
        }
    }

    private sealed class BridgedLog(HangfireLogs logs, string name) : HangfireLogging.ILog
    {
        public bool Log(HangfireLogging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLogging.LogLevel.Trace => LogLevel.Trace,
                HangfireLogging.LogLevel.Debug => LogLevel.Debug,
                HangfireLogging.LogLevel.Info => LogLevel.Information,
                HangfireLogging.LogLevel.Warn => LogLevel.Warning,
                HangfireLogging.LogLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            var logger = logs.Logger(name);
            if (logger is null) return false;
            try
            {
                // Without a message Hangfire only asks whether the level is on.
                if (messageFunc is null) return logger.IsEnabled(level);
                logger.Log(level, 0, messageFunc(), exception, static (message, _) => message);
                return true;
            }
            catch (ObjectDisposedException) { return false; }
        }
    }
}
