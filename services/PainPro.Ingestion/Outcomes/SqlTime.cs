using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Outcomes;

/// <summary>The two date expressions the reports need, per dialect (SQLite keeps instants as fixed-width UTC text).</summary>
internal static class SqlTime
{
    /// <summary>Seconds since 1970 of an instant column or expression.</summary>
    public static string Epoch(SqlDialect dialect, string instant) => dialect == SqlDialect.Postgres
        ? $"extract(epoch from {instant})"
        : $"((julianday({instant}) - 2440587.5) * 86400.0)";

    /// <summary>The UTC month of an instant as <c>yyyy-MM</c>.</summary>
    public static string Month(SqlDialect dialect, string instant) => dialect == SqlDialect.Postgres
        ? $"to_char({instant} AT TIME ZONE 'UTC', 'YYYY-MM')"
        : $"substr({instant}, 1, 7)";
}
