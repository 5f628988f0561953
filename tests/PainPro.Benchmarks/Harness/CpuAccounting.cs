using System.Globalization;

namespace PainPro.Benchmarks.Harness;

/// <summary>CPU time each party used during one measurement, and the share of the machine that is.</summary>
/// <param name="Seconds">CPU seconds by party: each service, postgres, rabbitmq, the harness, everything else, idle.</param>
/// <param name="WallSeconds">How long the measurement lasted.</param>
public sealed record CpuUse(IReadOnlyDictionary<string, double> Seconds, double WallSeconds, int Cores)
{
    /// <summary>"ingestion 45%, postgres 30%, …" of the machine's capacity (wall time × cores), biggest first.</summary>
    public string Describe() => string.Join(", ", Seconds
        .Where(p => p.Value >= 0.005 * WallSeconds * Cores)
        .OrderByDescending(p => p.Value)
        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value / (WallSeconds * Cores):P0}")));

    /// <summary>
    /// CPU milliseconds per item spent by the system under test — the services, PostgreSQL and RabbitMQ, not the load
    /// generator, other processes or idle time. Unlike shares and latencies it hardly moves when something else shares
    /// the machine, so two builds compare on it even when their latencies are lost in the noise.
    /// </summary>
    public double SystemMillisecondsPer(int items) => items <= 0 ? double.NaN
        : 1000 * Seconds.Where(p => p.Key is not (CpuAccounting.Harness or CpuAccounting.Other or CpuAccounting.Idle)).Sum(p => p.Value) / items;
}

/// <summary>
/// Where the CPU went, read from <c>/proc</c>: on two cores shared by three services, PostgreSQL, RabbitMQ and the
/// load generator, this is what says which of them a figure is really measuring.
/// </summary>
public sealed class CpuAccounting
{
    private const double TicksPerSecond = 100; // USER_HZ on every Linux architecture .NET runs on

    private readonly IReadOnlyDictionary<int, string> services;
    private readonly Dictionary<string, long> startTicks;
    private readonly DateTime startedAt = DateTime.UtcNow;

    private CpuAccounting(IReadOnlyDictionary<int, string> services)
    {
        this.services = services;
        startTicks = Sample();
    }

    public const string Other = "other";
    public const string Idle = "idle";
    public const string Harness = "harness";

    /// <param name="services">Process id → name of the processes to account for by name.</param>
    public static CpuAccounting Start(IReadOnlyDictionary<int, string> services) => new(services);

    public CpuUse Stop()
    {
        var end = Sample();
        var used = end.ToDictionary(p => p.Key, p => Math.Max(0, p.Value - startTicks.GetValueOrDefault(p.Key)) / TicksPerSecond);
        // "Other" is the machine's busy time less the known parties: short-lived processes (builds, other tests)
        // are gone before they can be read one by one.
        var known = used.Where(p => p.Key is not (Busy or Idle)).Sum(p => p.Value);
        used[Other] = Math.Max(0, used.GetValueOrDefault(Busy) - known);
        used.Remove(Busy);
        return new CpuUse(used, (DateTime.UtcNow - startedAt).TotalSeconds, Environment.ProcessorCount);
    }

    private const string Busy = "busy";

    private Dictionary<string, long> Sample()
    {
        var ticks = new Dictionary<string, long>();
        if (!Directory.Exists("/proc")) return ticks;
        var harness = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (ReadStat(pid) is not { } stat) continue;
            var party = services.TryGetValue(pid, out var name) ? name
                : pid == harness ? Harness
                : stat.Command switch
                {
                    "postgres" => "postgres",
                    "beam.smp" or "erl_child_setup" or "epmd" => "rabbitmq",
                    _ => null,
                };
            if (party is not null) ticks[party] = ticks.GetValueOrDefault(party) + stat.Ticks;
        }
        (ticks[Busy], ticks[Idle]) = MachineTicks();
        return ticks;
    }

    /// <summary>Busy and idle ticks of all cores together, from the first line of <c>/proc/stat</c>.</summary>
    private static (long Busy, long Idle) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        var idle = fields[3] + fields[4];
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
        return (busy, idle);
    }

    private static (string Command, long Ticks)? ReadStat(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": the command may hold spaces, so split after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the command.
            return (stat[(open + 1)..close], long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // the process ended while we looked
        }
    }
}
