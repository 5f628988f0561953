using System.Runtime.InteropServices;
using Npgsql;
using PainPro.Testing;

namespace PainPro.Benchmarks.Harness;

/// <summary>What the figures were measured on; a figure without its machine means little.</summary>
public sealed record MachineInfo(
    int Cores, long MemoryBytes, string Cpu, string OperatingSystem, string Runtime, string PostgreSql,
    string PostgresDurability, double LoadAverageAtStart)
{
    /// <summary>The 1-minute load average now: other work on the machine skews every figure.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0],
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var load)
            ? load
            : double.NaN;

    public static async Task<MachineInfo> DescribeAsync(CancellationToken ct)
    {
        string postgres = "unreachable", durability = "unknown";
        try
        {
            await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
            await connection.OpenAsync(ct);
            postgres = (string)(await Scalar(connection, "SHOW server_version", ct))!;
            // The test infrastructure runs PostgreSQL with fsync off; say so next to every figure it produced.
            durability = $"fsync={await Scalar(connection, "SHOW fsync", ct)}, synchronous_commit={await Scalar(connection, "SHOW synchronous_commit", ct)}";
        }
        catch (NpgsqlException) { /* the sections that need it will fail and say why */ }
        return new MachineInfo(
            Environment.ProcessorCount,
            ProcMemInfoBytes("MemTotal"),
            CpuModel(),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            postgres,
            durability,
            LoadAverage());
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(ct);
    }

    private static long ProcMemInfoBytes(string field)
    {
        if (!File.Exists("/proc/meminfo")) return 0;
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? 0 : long.Parse(kb) * 1024;
    }

    private static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
