namespace PainPro.Portal.Clients;

// Shapes of Scheduling's API as the Portal reads them (camelCase JSON). Optional fields are nullable so a
// service that omits one degrades a page instead of breaking it.

public sealed record PatientEnrollment
{
    public Guid EnrollmentId { get; init; }
    public string ProcedureType { get; init; } = "";
    public string BodySite { get; init; } = "";
    public string Facility { get; init; } = "";
    public DateTimeOffset PerformedAt { get; init; }
    public string Status { get; init; } = "";
}

public sealed record PatientRecord
{
    public Guid PatientId { get; init; }
    public string Mrn { get; init; } = "";
    public string GivenName { get; init; } = "";
    public string FamilyName { get; init; } = "";
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? PreferredChannel { get; init; }
    public string? Locale { get; init; }
    public bool SmsOptedOut { get; init; }
    /// <summary>False when no channel is left (SMS failed or opted out, no email).</summary>
    public bool Reachable { get; init; } = true;
    public IReadOnlyList<PatientEnrollment> Enrollments { get; init; } = [];

    public string FullName => $"{GivenName} {FamilyName}".Trim();
}

public sealed record ScheduledSurvey
{
    public Guid SurveyId { get; init; }
    public string Timepoint { get; init; } = "";
    public DateTimeOffset? DueAt { get; init; }
    public DateTimeOffset? SendAt { get; init; }
    public DateTimeOffset? ClosesAt { get; init; }
    public IReadOnlyList<string> Instruments { get; init; } = [];
    public string? Channel { get; init; }
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset? LastSentAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? NextSendAt { get; init; }
}

public sealed record ProcedureInfo
{
    public string Type { get; init; } = "";
    public string BodySite { get; init; } = "";
    public DateTimeOffset PerformedAt { get; init; }
    public string Facility { get; init; } = "";
    public string? Surgeon { get; init; }
}

public sealed record BaselineInfo
{
    public int? Vas { get; init; }
    public DateTimeOffset? RecordedAt { get; init; }
}

public sealed record EnrollmentDetail
{
    public Guid EnrollmentId { get; init; }
    public Guid PatientId { get; init; }
    public string? ExternalId { get; init; }
    public ProcedureInfo? Procedure { get; init; }
    public BaselineInfo? Baseline { get; init; }
    public string? TimeZone { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public string? CancelReason { get; init; }
    public IReadOnlyList<ScheduledSurvey> Surveys { get; init; } = [];
}

public sealed record EnrollmentListItem
{
    public Guid EnrollmentId { get; init; }
    public Guid PatientId { get; init; }
    public string ProcedureType { get; init; } = "";
    public string BodySite { get; init; } = "";
    public string Facility { get; init; } = "";
    public DateTimeOffset PerformedAt { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}
