using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Health;

/// <summary>Ready only when every service database answers a trivial query.</summary>
internal sealed class DatabaseHealthCheck(IEnumerable<ServiceDatabase> databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var data = new Dictionary<string, object>();
        foreach (var db in databases)
        {
            try
            {
                await using var connection = await db.OpenAsync(ct);
                await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations");
                data[db.Schema] = "ok";
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"Database {db.Describe()} is not reachable or not migrated: {ex.Message}", ex);
            }
        }
        return HealthCheckResult.Healthy("Databases reachable", data);
    }
}
