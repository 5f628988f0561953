using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Scheduling.Routing;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Scheduling.Feedback;

/// <summary>
/// Channel fallback on an SMS that could not be delivered: the phone is marked failed, the patient's open surveys
/// move to email (the failed one is sent again there at the next opening), or, with no email, the patient is
/// unreachable and their surveys wait for their windows to close (a no-response alert follows at expiry).
/// A failure whose outcome is uncertain (the message may have arrived) changes nothing.
/// </summary>
public sealed class SurveyDeliveryFailedConsumer(SchedulingDb db, ILogger<SurveyDeliveryFailedConsumer> logger)
    : InboxConsumer<SurveyDeliveryFailed>(db)
{
    protected override async Task HandleAsync(SurveyDeliveryFailed message, DbSession session, CancellationToken ct)
    {
        if (message.Channel != Channels.Sms)
        {
            logger.LogWarning("Survey {SurveyId} attempt {Attempt} failed on {Channel} (error {ErrorCode}); no other channel to fall back to",
                message.SurveyId, message.Attempt, message.Channel, message.ProviderErrorCode);
            return;
        }

        if (DeliveryFailureReasons.MayHaveArrived(message.Reason))
        {
            // A send cut off mid-call (a crash, a timeout) may well have reached the phone: re-sending by email would
            // contact the patient twice for one attempt. The next reminder still goes out as planned.
            logger.LogWarning("Survey {SurveyId} attempt {Attempt} ended as {Reason}; not re-sent on another channel",
                message.SurveyId, message.Attempt, message.Reason);
            return;
        }

        // One statement marks the phone failed and returns what rerouting needs, with the failed survey's channel.
        var patient = await session.QuerySingleOrDefaultAsync<FailedSurveyPatient>(
            $"""
            UPDATE patients SET sms_failed_at = COALESCE(sms_failed_at, @now), updated_at = @now
            WHERE id = (SELECT e.patient_id FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id WHERE s.id = @SurveyId)
            RETURNING {ChannelRouting.PatientChannelColumns}, (SELECT channel FROM surveys WHERE id = @SurveyId) AS SurveyChannel
            """, new { now = session.Clock.GetUtcNow(), message.SurveyId });
        if (patient is null)
        {
            logger.LogWarning("Delivery failure for unknown survey {SurveyId} ignored", message.SurveyId);
            return;
        }

        // Resend only while the survey was still on SMS: a late failure report must not double an email already sent.
        var channel = await ChannelRouting.RerouteAsync(session, patient,
            resendSurveyId: patient.SurveyChannel == Channels.Sms ? message.SurveyId : null);

        // The provider's reason text may quote the number, so only its error code goes to the log.
        if (channel is null)
            logger.LogInformation("SMS to patient {PatientId} failed (error {ErrorCode}) and no email is on file: patient unreachable",
                patient.PatientId, message.ProviderErrorCode);
        else
            logger.LogInformation("SMS to patient {PatientId} failed (error {ErrorCode}); open surveys moved to {Channel}",
                patient.PatientId, message.ProviderErrorCode, channel);
    }

    private sealed class FailedSurveyPatient : ChannelRouting.PatientChannelRow
    {
        public string SurveyChannel { get; init; } = "";
    }
}
