using PainPro.Contracts;
using PainPro.Instruments;

namespace PainPro.Ingestion.Tests;

/// <summary>Messages as Scheduling sends them, with the defaults a test does not care about.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset ProcedureTime = new(2026, 11, 20, 14, 0, 0, TimeSpan.FromHours(-5));

    public static EnrollmentCreated Enrollment(int? baselineVas = 6, string procedureType = "cementoplasty", string bodySite = "femur",
        DateTimeOffset? performedAt = null, Guid? enrollmentId = null, string facility = "Main") => new(
        enrollmentId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), procedureType, bodySite, performedAt ?? ProcedureTime, facility,
        "Dr. Lee", baselineVas, baselineVas is null ? null : (performedAt ?? ProcedureTime).AddHours(-5), "0123");

    public static SurveyDue SurveyDue(EnrollmentCreated enrollment, string timepoint, string[] instruments, string? phone = "+15551230001",
        string locale = "en", string? token = null, DateTimeOffset? expiresAt = null, int attempt = 0, Guid? surveyId = null,
        string channel = Channels.Sms) => new(
        surveyId ?? Guid.CreateVersion7(), enrollment.EnrollmentId, enrollment.PatientId, timepoint, instruments, channel,
        new Contact("Ana", phone, "ana@example.org"), locale, "America/New_York", token ?? NewToken(),
        expiresAt ?? DateTimeOffset.UtcNow.AddDays(2), attempt);

    public static string[] VasAndAnalgesic => [InstrumentCodes.Vas, InstrumentCodes.Analgesic];

    public static string[] WithMstsLower => [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower];

    public static string NewToken() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The reply to an answer with a question still to ask: the value read back, then the next question.</summary>
    public static string Then(string item, int value, string next, string locale = "en") =>
        $"{InstrumentTexts.Recorded(item, value, locale)} {InstrumentTexts.For(next, locale).SmsPrompt}";

    /// <summary>The reply to the last answer: the value read back, then thanks.</summary>
    public static string ThenThanks(string item, int value, string locale = "en", CareContact? contact = null) =>
        $"{InstrumentTexts.Recorded(item, value, locale)} {InstrumentTexts.Thanks(locale, contact)}";

    public static string NewPhone() => "+1555" + Random.Shared.Next(1000000, 9999999);
}
