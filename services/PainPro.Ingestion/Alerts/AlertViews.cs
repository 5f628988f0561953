namespace PainPro.Ingestion.Alerts;

/// <summary>
/// An alert as the API shows it (DESIGN §9, extended compatibly for the Portal's worklist). <c>AnswerChangedAt</c>:
/// when an answer behind it was last revised (null if never). Issue 19 adds, trailing: <c>AssignedTo</c>/<c>AssignedAt</c>
/// (the nurse who took it, "assign to me"), <c>SeverityRule</c> (the rule that set the severity), <c>AcknowledgeDueAt</c>
/// (when it should have been acknowledged by, from the configured target of its severity) and <c>Surgeon</c>.
/// </summary>
public sealed record AlertView(
    Guid AlertId,
    Guid EnrollmentId,
    Guid PatientId,
    Guid SurveyId,
    IReadOnlyList<string> Rules,
    string Severity,
    string Summary,
    string Status,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt,
    string Timepoint,
    string? ConsensusClass,
    string? ProcedureType,
    string? BodySite,
    string? Facility,
    string? MrnLast4,
    bool Escalated,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? Outcome,
    string? Note,
    DateTimeOffset? AnswerChangedAt,
    string? AssignedTo,
    DateTimeOffset? AssignedAt,
    string? SeverityRule,
    DateTimeOffset AcknowledgeDueAt,
    string? Surgeon)
{
    public static AlertView Of(AlertRecord a, AcknowledgeTargets targets) => new(
        a.Id, a.EnrollmentId, a.PatientId, a.SurveyId, a.Rules, a.Severity, a.Summary, a.Status, a.RaisedAt, a.UpdatedAt,
        a.Timepoint, a.ConsensusClass, a.ProcedureType, a.BodySite, a.Facility, a.MrnLast4, a.EscalatedAt is not null,
        a.EscalatedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy, a.Outcome, a.ResolutionNote,
        a.AnswerChangedAt, a.AssignedTo, a.AssignedAt, a.SeverityRule, targets.DueAt(a), a.Surgeon);
}

/// <summary>One line of an alert's history as the API shows it.</summary>
public sealed record AlertHistoryView(
    DateTimeOffset At,
    string Action,
    string Actor,
    string? Via,
    Guid? SurveyId,
    string? Severity,
    IReadOnlyList<string>? Rules,
    string? Summary,
    string? Outcome,
    string? Note)
{
    public static AlertHistoryView Of(AlertEvent e) => new(
        e.At, e.Action, e.Actor, e.Via, e.SurveyId, e.Severity,
        e.Rules?.Split(',', StringSplitOptions.RemoveEmptyEntries), e.Summary, e.Outcome, e.Note);
}

/// <summary><c>GET /api/alerts/{id}</c>: the alert and everything that happened to it.</summary>
public sealed record AlertDetailView(AlertView Alert, IReadOnlyList<AlertHistoryView> History);

public sealed record ResolveRequest(string? Outcome, string? Note);

public sealed record NoteRequest(string? Note);

public sealed record CallRequest(string? Outcome, string? Note);

public static class CallOutcomes
{
    public const string Reached = "reached";
    public const string NoAnswer = "no-answer";
    public const string Voicemail = "voicemail";
    public const string WrongNumber = "wrong-number";

    public static IReadOnlyList<string> All { get; } = [Reached, NoAnswer, Voicemail, WrongNumber];
}

/// <summary><c>GET /api/alerts/stats</c>: alert volume, time to acknowledge and rules, for the manager dashboard.</summary>
public sealed record AlertStatsView(int Alerts, double? MedianMinutesToAcknowledge, IReadOnlyDictionary<string, int> ByRule);

/// <summary><c>POST /api/alerts/acknowledge</c>: the worklist's multi-select.</summary>
public sealed record AcknowledgeManyRequest(IReadOnlyList<Guid>? AlertIds);

/// <summary>An alert a multi-select acknowledgement left alone, and why: <c>acknowledged</c>, <c>resolved</c> or <c>not-found</c>.</summary>
public sealed record SkippedAlert(Guid AlertId, string Reason);

public sealed record AcknowledgeManyResult(IReadOnlyList<Guid> Acknowledged, IReadOnlyList<SkippedAlert> Skipped);

/// <summary><c>POST /api/alerts/{id}/assign</c>: <c>TakeOver</c> takes an alert a colleague holds.</summary>
public sealed record AssignRequest(bool? TakeOver);
