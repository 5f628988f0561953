namespace PainPro.Contracts;

// One assembly, one definition of each message: MassTransit matches messages by full type name.
// Events are noun-verb past tense; the one command (SendSmsReply) is verb-noun and has one consumer, in Messaging.

public record EnrollmentCreated(
    Guid EnrollmentId,
    Guid PatientId,
    string ProcedureType,
    string BodySite,
    DateTimeOffset PerformedAt,
    string Facility,
    string? Surgeon,
    int? BaselineVas,
    DateTimeOffset? BaselineRecordedAt,
    string? MrnLast4 = null,
    string? Mrn = null,
    string? ExternalId = null);

public record EnrollmentCancelled(Guid EnrollmentId, string Reason);

/// <summary>The procedure time of an enrollment changed; surveys not yet sent were rescheduled to follow it.</summary>
public record EnrollmentRescheduled(Guid EnrollmentId, DateTimeOffset PerformedAt);

/// <summary>Contact details travel only in this message; no other message names the patient.</summary>
public record Contact(string GivenName, string? Phone, string? Email);

/// <summary>A survey is due to be sent. <c>Attempt</c> 0 is the first send, 1.. are reminders.</summary>
public record SurveyDue(
    Guid SurveyId,
    Guid EnrollmentId,
    Guid PatientId,
    string Timepoint,
    string[] Instruments,
    string Channel,
    Contact Contact,
    string Locale,
    string TimeZone,
    string LinkToken,
    DateTimeOffset ExpiresAt,
    int Attempt);

public record SurveySent(Guid SurveyId, int Attempt, string Channel, string ProviderMessageId, DateTimeOffset SentAt);

public record SurveyDeliveryFailed(Guid SurveyId, int Attempt, string Channel, string Reason, string? ProviderErrorCode);

public record SurveyCompleted(
    Guid SurveyId,
    Guid EnrollmentId,
    string Timepoint,
    DateTimeOffset CompletedAt,
    int? Vas,
    string? AnalgesicChange,
    int? MstsTotal,
    decimal? MstsPercent);

public record SurveyExpired(Guid SurveyId, Guid EnrollmentId, string Timepoint);

public record PainAlertRaised(
    Guid AlertId,
    Guid EnrollmentId,
    Guid PatientId,
    Guid SurveyId,
    string[] Rules,
    string Severity,
    string Summary,
    DateTimeOffset RaisedAt,
    string? MrnLast4 = null,
    bool Escalated = false);

public record AlertAcknowledged(Guid AlertId, string By, DateTimeOffset At);

public record AlertResolved(Guid AlertId, string By, DateTimeOffset At, string Outcome, string? Note);

public record PatientOptedOut(string Phone, string Keyword, DateTimeOffset At);

public record PatientOptedIn(string Phone, string Keyword, DateTimeOffset At);

/// <summary>An integration API key was issued at the Portal; services accept it from now on. Only its hash travels.</summary>
public record ApiKeyIssued(string Name, string Sha256, DateTimeOffset At);

public record ApiKeyRevoked(string Sha256, DateTimeOffset At);

/// <summary>
/// Command (Ingestion → Messaging): text <c>Body</c> to a patient who wrote to us — the answer a webhook could not give
/// in its TwiML because the text was handled later (it came before its survey had opened). <c>To</c> is E.164;
/// <c>ReplyId</c> makes it idempotent.
/// </summary>
public record SendSmsReply(Guid ReplyId, string To, string Body, string InReplyToMessageSid, DateTimeOffset RequestedAt);
