using Npgsql;

namespace PainPro.Benchmarks.Harness;

public static class ConnectionStrings
{
    /// <summary>
    /// <paramref name="connectionString"/> with <paramref name="options"/> (e.g. <c>Max Auto Prepare=50</c>) laid over
    /// it, to measure Npgsql tuning without touching the services.
    /// </summary>
    public static string With(string connectionString, string? options)
    {
        if (string.IsNullOrWhiteSpace(options)) return connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        foreach (var (key, value) in new NpgsqlConnectionStringBuilder(options)) builder[key] = value;
        return builder.ConnectionString;
    }
}
