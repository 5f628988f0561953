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
