using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Alerts;

/// <summary>The actions recorded in an alert's history.</summary>
public static class AlertActions
{
    public const string Raised = "raised";
    public const string Updated = "updated";

    /// <summary>An answer behind the alert was revised and the rules ran again over its evidence.</summary>
    public const string Revised = "revised";
    public const string Reopened = "reopened";
    public const string Escalated = "escalated";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string Note = "note";
    public const string Call = "call";

    /// <summary>A nurse took the alert ("assign to me"); its note says from whom, for a take-over.</summary>
    public const string Assigned = "assigned";

    /// <summary>The nurse who took the alert gave it back.</summary>
    public const string Released = "released";
}

/// <summary>Outcomes of resolutions nobody typed.</summary>
public static class AlertOutcomes
{
    /// <summary>The answers behind the alert were revised and no rule fires on them any more.</summary>
    public const string AnswerRevised = "answer-revised";
}

/// <summary>One line of an alert's history: evidence (actor "system") or a staff action.</summary>
public sealed record AlertEvent
{
    public const string SystemActor = "system";

    public Guid Id { get; init; }
    public Guid AlertId { get; init; }
    public DateTimeOffset At { get; init; }
    public string Actor { get; init; } = SystemActor;
    public string? Via { get; init; }
    public string Action { get; init; } = "";
    public Guid? SurveyId { get; init; }
    public string? Severity { get; init; }
    public string? Rules { get; init; }
    public string? Summary { get; init; }
    public string? Outcome { get; init; }
    public string? Note { get; init; }
}

public static class AlertHistory
{
    public static Task RecordAsync(DbSession session, AlertEvent entry) => session.Write("""
        INSERT INTO alert_events (id, alert_id, at, actor, via, action, survey_id, severity, rules, summary, outcome, note)
        VALUES (@Id, @AlertId, @At, @Actor, @Via, @Action, @SurveyId, @Severity, @Rules, @Summary, @Outcome, @Note)
        """, entry with { Id = entry.Id == Guid.Empty ? Guid.CreateVersion7() : entry.Id });
}
