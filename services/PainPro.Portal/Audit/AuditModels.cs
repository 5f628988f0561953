namespace PainPro.Portal.Audit;

// Shapes of the services' audit APIs as the Portal reads them (camelCase JSON).

/// <summary>A view of a patient, from Scheduling's <c>GET /api/audit/patient-views</c>.</summary>
public sealed record AuditedPatientView
{
    public DateTimeOffset At { get; init; }
    public string Actor { get; init; } = "";
    public string? Via { get; init; }
    public string Action { get; init; } = "";
    public Guid PatientId { get; init; }
    public string? Mrn { get; init; }
}

/// <summary>A staff action or view of answers, from Ingestion's <c>GET /api/audit/staff-actions</c>.</summary>
public sealed record AuditedStaffAction
{
    public DateTimeOffset At { get; init; }
    public string Actor { get; init; } = "";
    public string? Via { get; init; }
    public string Action { get; init; } = "";
    public Guid? PatientId { get; init; }
    public Guid? EnrollmentId { get; init; }
    public Guid? AlertId { get; init; }
    public Guid? SurveyId { get; init; }
    public string? MrnLast4 { get; init; }
    public string? Detail { get; init; }
}
