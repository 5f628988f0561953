using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Scheduling.ChannelFallback;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Scheduling.ChannelFallback;

/// <summary>
/// A survey's send failed. The survey shows it (<c>undelivered</c>, with the reason) when it was the latest attempt;
/// what happens next depends on whose fault it was:
/// <list type="bullet">
/// <item>the patient's phone (invalid, landline, unreachable, opted out): the phone is marked failed and the patient's
/// open surveys move to email — the failed one is sent again there at the next opening — or, with no email, the patient
/// is unreachable and their surveys wait for their windows to close (a no-response alert follows at expiry);</item>
/// <item>our own account or sender, reported after the provider took the text (Twilio 30001, 30002): sent again on the
/// same channel at the next opening — Messaging holds it until the sender works again; nobody moves;</item>
/// <item>anything else (no contact, expired, provider unavailable until the window closed, carrier filtering, unknown):
/// recorded, nobody moves; reminders still go as planned. A failure that may have reached the patient (a send cut off
/// mid-call) reads as sent.</item>
/// </list>
/// </summary>
public sealed class SurveyDeliveryFailedConsumer(SchedulingDb db, ILogger<SurveyDeliveryFailedConsumer> logger)
    : InboxConsumer<SurveyDeliveryFailed>(db)
{
    protected override async Task HandleAsync(SurveyDeliveryFailed message, DbSession session, CancellationToken ct)
    {
        // The latest attempt, still with Messaging or just sent, shows the failure; a report about an older one changes nothing.
        var mayHaveArrived = DeliveryFailureReasons.MayHaveArrived(message.Reason);
        var latest = await session.ExecuteAsync(
            $"""
            UPDATE surveys
            SET status = @status, delivery_reason = @Reason, delivery_error_code = @ProviderErrorCode, next_attempt_at = NULL
            WHERE id = @SurveyId AND attempts = @Attempt + 1
              AND status IN {SqlDialect.Literals([.. SurveyStatuses.AwaitingProvider, SurveyStatuses.Sent, SurveyStatuses.Reminded])}
            """,
            new
            {
                status = !mayHaveArrived ? SurveyStatuses.Undelivered : message.Attempt == 0 ? SurveyStatuses.Sent : SurveyStatuses.Reminded,
                message.Reason, message.ProviderErrorCode, message.SurveyId, message.Attempt,
            }) == 1;

        if (message.Channel != Channels.Sms)
        {
            logger.LogWarning("Survey {SurveyId} attempt {Attempt} failed on {Channel} ({Reason}, error {ErrorCode}); no other channel to fall back to",
                message.SurveyId, message.Attempt, message.Channel, message.Reason, message.ProviderErrorCode);
            return;
        }
        if (mayHaveArrived)
        {
            // A send cut off mid-call (a crash, a timeout) may well have reached the phone: re-sending by email would
            // contact the patient twice for one attempt. The next reminder still goes out as planned.
            logger.LogWarning("Survey {SurveyId} attempt {Attempt} ended as {Reason}; not re-sent on another channel",
                message.SurveyId, message.Attempt, message.Reason);
            return;
        }
        if (message.Reason == DeliveryFailureReasons.SenderFault)
        {
            if (latest) await ResendOnSameChannelAsync(session, message.SurveyId);
            logger.LogWarning("Survey {SurveyId} attempt {Attempt} failed on our own sender (error {ErrorCode}); {Next}",
                message.SurveyId, message.Attempt, message.ProviderErrorCode, latest ? "sent again at the next opening" : "a later attempt is under way");
            return;
        }
        if (!DeliveryFailureReasons.IsPatientAddressFault(message.Reason))
        {
            logger.LogInformation("Survey {SurveyId} attempt {Attempt} not delivered ({Reason}, error {ErrorCode}); recorded, the patient stays on SMS",
                message.SurveyId, message.Attempt, message.Reason, message.ProviderErrorCode);
            return;
        }

        // One statement marks the phone failed and returns what rerouting needs.
        var patient = await session.QuerySingleOrDefaultAsync<PatientChannels.PatientChannelRow>(
            $"""
            UPDATE patients SET sms_failed_at = COALESCE(sms_failed_at, @now), updated_at = @now{session.Dialect.Output(PatientChannels.PatientChannelColumns)}
            WHERE id = (SELECT e.patient_id FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id WHERE s.id = @SurveyId){session.Dialect.Returning(PatientChannels.PatientChannelColumns)}
            """, new { now = session.Clock.GetUtcNow(), message.SurveyId });
        if (patient is null)
        {
            logger.LogWarning("Delivery failure for unknown survey {SurveyId} ignored", message.SurveyId);
            return;
        }

        // Resend only when the failed attempt is still the survey's latest: a late report must not double an email already sent.
        var channel = await PatientChannels.RerouteAsync(session, patient, resendSurveyId: latest ? message.SurveyId : null);

        // The provider's reason text may quote the number, so only its error code goes to the log.
        if (channel is null)
            logger.LogInformation("SMS to patient {PatientId} failed ({Reason}, error {ErrorCode}) and no email is on file: patient unreachable",
                patient.PatientId, message.Reason, message.ProviderErrorCode);
        else
            logger.LogInformation("SMS to patient {PatientId} failed ({Reason}, error {ErrorCode}); open surveys moved to {Channel}",
                patient.PatientId, message.Reason, message.ProviderErrorCode, channel);
    }

    /// <summary>The survey goes again on its channel at the next opening of its send window (sooner if a send was planned sooner).</summary>
    private static async Task ResendOnSameChannelAsync(DbSession session, Guid surveyId)
    {
        var now = session.Clock.GetUtcNow();
        var survey = await session.QuerySingleOrDefaultAsync<ResendRow>(
            """
            SELECT s.next_send_at AS NextSendAt, s.closes_at AS ClosesAt, e.time_zone AS TimeZone,
                   e.send_window_start AS WindowStart, e.send_window_end AS WindowEnd
            FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id WHERE s.id = @surveyId
            """, new { surveyId });
        if (survey is null) return;
        var resend = new SendWindow(survey.WindowStart, survey.WindowEnd).NextOpening(now, TimeZones.Find(survey.TimeZone)!);
        if (resend >= survey.ClosesAt || survey.NextSendAt <= resend) return;
        await session.ExecuteAsync("UPDATE surveys SET next_send_at = @resend WHERE id = @surveyId", new { resend, surveyId });
    }

    private sealed class ResendRow
    {
        public DateTimeOffset? NextSendAt { get; init; }
        public DateTimeOffset ClosesAt { get; init; }
        public string TimeZone { get; init; } = "";
        public int WindowStart { get; init; }
        public int WindowEnd { get; init; }
    }
}
