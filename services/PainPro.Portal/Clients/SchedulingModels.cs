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
    /// <summary>The patient's IANA zone, when the EHR gave one (else the facility's applies).</summary>
    public string? TimeZone { get; init; }
    public bool SmsOptedOut { get; init; }
    /// <summary>The patient used an email's unsubscribe link: no more survey emails.</summary>
    public bool EmailOptedOut { get; init; }
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
    /// <summary>Why the latest send waits (<c>deferred</c>) or failed (<c>undelivered</c>).</summary>
    public string? DeliveryReason { get; init; }
    public string? DeliveryErrorCode { get; init; }
    /// <summary>When Messaging tries a deferred send again, at the earliest.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The delivery reason in a nurse's words, with the provider's code; null when there is nothing to say.</summary>
    public string? DeliveryNote => DeliveryReason is null ? null
        : (DeliveryReason switch
        {
            "quiet-hours" => "outside the patient's hours",
            "provider-unavailable" => "SMS/email provider not answering",
            "sender-fault" => "our SMS account is refused by the provider",
            "invalid-number" => "the number is not a valid mobile number",
            "unreachable" => "the phone cannot be reached",
            "opted-out" => "the patient opted out of texts",
            "no-contact" => "no phone or email on file",
            "expired" => "the window closed before it could be sent",
            "delivery-failed" => "the carrier did not deliver it",
            "outcome-unknown" or "send-interrupted" => "it may or may not have arrived",
            var other => other.Replace('-', ' '),
        }) + (DeliveryErrorCode is { } code ? $" (error {code})" : "");
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

/// <summary>One timepoint of Scheduling's response funnel: due → sent → reminded → answered.</summary>
public sealed record FunnelStage
{
    public string Timepoint { get; init; } = "";
    public int Due { get; init; }
    public int Sent { get; init; }
    public int Reminded { get; init; }
    public int Answered { get; init; }
    public int AnsweredAfterReminder { get; init; }
}

/// <summary>How many enrollments of one procedure type are in one status.</summary>
public sealed record EnrollmentStatusCount
{
    public string ProcedureType { get; init; } = "";
    public string Status { get; init; } = "";
    public int Count { get; init; }
}
