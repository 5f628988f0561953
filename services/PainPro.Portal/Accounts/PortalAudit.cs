using Dapper;
using PainPro.Portal.Audit;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Portal.Accounts;

/// <summary>Writes the Portal's own audit trail inside the caller's transaction, so an action and its record commit together.</summary>
public static class PortalAudit
{
    public const string System = "system";

    public static Task WriteAsync(DbSession session, string actor, string action, string? subject = null, string? detail = null) =>
        session.ExecuteAsync(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (@at, @actor, @action, @subject, @detail)",
            new { at = session.Clock.GetUtcNow(), actor, action, subject, detail });

    /// <summary>The newest <paramref name="limit"/> entries by the filter's user and days, newest first.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> ListAsync(PortalDb db, AuditFilter filter, int limit, CancellationToken ct)
    {
        var parameters = new DynamicParameters(new { limit });
        var conditions = new System.Text.StringBuilder();
        if (filter.Actor is not null) { conditions.Append(" AND lower(actor) = lower(@actor)"); parameters.Add("actor", filter.Actor); }
        if (filter.From is not null) { conditions.Append(" AND at >= @from"); parameters.Add("from", filter.From.Value); }
        if (filter.Until is not null) { conditions.Append(" AND at < @until"); parameters.Add("until", filter.Until.Value); }
        return (await db.ReadAsync(c => c.QueryAsync<AuditEntry>(
            $"""
            SELECT audit_id AS AuditId, at AS At, actor AS Actor, action AS Action, subject AS Subject, detail AS Detail
            FROM audit_log WHERE 1 = 1{conditions} ORDER BY audit_id DESC {db.Dialect.Limit("@limit")}
            """, parameters), ct)).AsList();
    }
}

public sealed record AuditEntry
{
    public long AuditId { get; init; }
    public DateTimeOffset At { get; init; }
    public string Actor { get; init; } = "";
    public string Action { get; init; } = "";
    public string? Subject { get; init; }
    public string? Detail { get; init; }
}
