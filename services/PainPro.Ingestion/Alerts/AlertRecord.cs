namespace PainPro.Ingestion.Alerts;

public static class AlertStatuses
{
    /// <summary>Needs a nurse: new, or reopened by worse evidence after it was acknowledged.</summary>
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    public static IReadOnlyList<string> All { get; } = [Open, Acknowledged, Resolved];
}

/// <summary>An alert row with its enrollment's descriptors.</summary>
public sealed record AlertRecord
{
    public const string Columns = """
        a.id AS Id, a.enrollment_id AS EnrollmentId, a.patient_id AS PatientId, a.survey_id AS SurveyId,
        a.timepoint AS Timepoint, a.rules AS RuleList, a.severity AS Severity, a.summary AS Summary,
        a.consensus_class AS ConsensusClass, a.status AS Status, a.raised_at AS RaisedAt, a.updated_at AS UpdatedAt,
        a.high_since AS HighSince, a.escalated_at AS EscalatedAt, a.acknowledged_at AS AcknowledgedAt,
        a.acknowledged_by AS AcknowledgedBy, a.resolved_at AS ResolvedAt, a.resolved_by AS ResolvedBy,
        a.outcome AS Outcome, a.resolution_note AS ResolutionNote, a.answer_changed_at AS AnswerChangedAt,
        a.assigned_to AS AssignedTo, a.assigned_at AS AssignedAt, a.severity_basis AS SeverityBasis, e.surgeon AS Surgeon,
        e.procedure_type AS ProcedureType, e.body_site AS BodySite, e.facility AS Facility, e.mrn_last4 AS MrnLast4
        """;

    /// <summary>Alerts with their enrollment's descriptors (the enrollment may not have arrived yet).</summary>
    public const string From = "alerts a LEFT JOIN enrollments e ON e.id = a.enrollment_id";

    public Guid Id { get; init; }
    public Guid EnrollmentId { get; init; }
    public Guid PatientId { get; init; }
    public Guid SurveyId { get; init; }
    public string Timepoint { get; init; } = "";
    public string RuleList { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Summary { get; init; } = "";
    public string? ConsensusClass { get; init; }
    public string Status { get; init; } = AlertStatuses.Open;
    public DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? HighSince { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public string? Outcome { get; init; }
    public string? ResolutionNote { get; init; }
    public DateTimeOffset? AnswerChangedAt { get; init; }
    public string? AssignedTo { get; init; }
    public DateTimeOffset? AssignedAt { get; init; }

    /// <summary>The evidence that set the severity, in the summary's words (null on alerts raised before issue 19).</summary>
    public string? SeverityBasis { get; init; }
    public string? Surgeon { get; init; }
    public string? ProcedureType { get; init; }
    public string? BodySite { get; init; }
    public string? Facility { get; init; }
    public string? MrnLast4 { get; init; }

    public IReadOnlyList<string> Rules => RuleList.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The rule that set the severity: the first (in table order) whose own severity is the alert's. A rule whose
    /// severity depends on its evidence (an urgent patient message) is named when no other rule accounts for it.
    /// </summary>
    public string? SeverityRule =>
        Rules.FirstOrDefault(r => AlertRules.All.Contains(r) && AlertRules.SeverityOf(r) == Severity) ?? Rules.LastOrDefault();
}
