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

/// <summary>
/// A survey is due to be sent. <c>Attempt</c> 0 is the first send, 1.. are reminders. <c>SendWindowStartMinute</c> /
/// <c>SendWindowEndMinute</c> are the local hours the patient may be contacted in, <c>[start, end)</c> in minutes after
/// local midnight in <c>TimeZone</c> (the facility's window; <c>1440</c> is midnight at the end of the day). Messaging
/// checks them right before each provider call; absent, it applies its own default (09:00–19:00).
/// </summary>
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
    int Attempt,
    int? SendWindowStartMinute = null,
    int? SendWindowEndMinute = null);

/// <summary>The provider took the survey's message: <c>SentAt</c> is when, the moment the survey really went out.</summary>
public record SurveySent(Guid SurveyId, int Attempt, string Channel, string ProviderMessageId, DateTimeOffset SentAt);

/// <summary>
/// The survey's message could not go now and waits in Messaging for <c>NextAttemptAt</c> (the earliest it may go):
/// <c>Reason</c> is one of <see cref="DeliveryDeferralReasons"/>, <c>ProviderErrorCode</c> the provider's code when it
/// refused our sender. <c>DeferredAt</c> orders reports of one attempt: a later one supersedes an earlier one, and a
/// <see cref="SurveySent"/> of the same attempt supersedes them all. Published again at each new deferral.
/// </summary>
public record SurveyDeferred(
    Guid SurveyId,
    int Attempt,
    string Channel,
    string Reason,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset DeferredAt,
    string? ProviderErrorCode = null);

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

/// <summary>
/// A patient used an email's unsubscribe link (or its one-click <c>List-Unsubscribe</c>): no more survey emails.
/// <c>Channel</c> is <c>email</c>. Ingestion publishes it (it owns the link's token); Scheduling stops routing to email.
/// </summary>
public record PatientUnsubscribed(Guid PatientId, string Channel, DateTimeOffset At);

/// <summary>An integration API key was issued at the Portal; services accept it from now on. Only its hash travels.</summary>
public record ApiKeyIssued(string Name, string Sha256, DateTimeOffset At);

public record ApiKeyRevoked(string Sha256, DateTimeOffset At);

/// <summary>
/// Command (Ingestion → Messaging): text <c>Body</c> to a patient who wrote to us — the answer a webhook could not give
/// in its TwiML because the text was handled later (it came before its survey had opened). <c>To</c> is E.164;
/// <c>ReplyId</c> makes it idempotent.
/// </summary>
public record SendSmsReply(Guid ReplyId, string To, string Body, string InReplyToMessageSid, DateTimeOffset RequestedAt);
