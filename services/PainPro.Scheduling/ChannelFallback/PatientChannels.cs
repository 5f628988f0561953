using PainPro.Contracts;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.ChannelFallback;

/// <summary>
/// Which channel reaches a patient, and keeping their open surveys on it. The patient's row is the truth
/// (contact details, SMS opt-out, SMS failure); every change to it ends with <see cref="RerouteAsync"/>, so
/// surveys move to email, park when nothing reaches the patient, and resume when something does again.
/// </summary>
public static class PatientChannels
{
    /// <summary>The channel to use now, or null when the patient is unreachable.</summary>
    public static string? ChannelFor(string preferredChannel, string? phone, string? email, bool smsOptedOut, bool smsFailed,
        bool emailOptedOut = false)
    {
        var smsUsable = phone is not null && !smsOptedOut && !smsFailed;
        var emailUsable = email is not null && !emailOptedOut;
        if (preferredChannel == Channels.Email && emailUsable) return Channels.Email;
        if (smsUsable) return Channels.Sms;
        return emailUsable ? Channels.Email : null;
    }

    /// <summary>The columns of <c>patients</c> that decide the channel, for a SELECT or an UPDATE's RETURNING.</summary>
    public const string PatientChannelColumns =
        "id AS PatientId, preferred_channel AS PreferredChannel, phone AS Phone, email AS Email, " +
        "sms_opted_out AS SmsOptedOut, sms_failed_at AS SmsFailedAt, email_opted_out_at AS EmailOptedOutAt";

    /// <summary>
    /// Puts every open survey of the patient's active enrollments on the patient's current channel. With no channel
    /// left their sends are parked (they expire at window close, so a no-response alert follows); when a channel
    /// returns, surveys not yet sent are scheduled again at the next opening. <paramref name="resendSurveyId"/> is a
    /// survey whose delivery failed: it goes again on the new channel at the next opening, as the next attempt.
    /// </summary>
    /// <returns>The channel now in use, or null when the patient is unreachable (or unknown).</returns>
    public static async Task<string?> RerouteAsync(DbSession session, Guid patientId, Guid? resendSurveyId = null)
    {
        var patient = await session.QuerySingleOrDefaultAsync<PatientChannelRow>(
            $"SELECT {PatientChannelColumns} FROM patients WHERE id = @patientId", new { patientId });
        return patient is null ? null : await RerouteAsync(session, patient, resendSurveyId);
    }

    /// <summary>
    /// <see cref="RerouteAsync(DbSession, Guid, Guid?)"/> for a patient row the caller already has, typically from the
    /// <c>UPDATE … RETURNING {PatientChannelColumns}</c> that changed it: one statement fewer than reading it again.
    /// </summary>
    public static async Task<string?> RerouteAsync(DbSession session, PatientChannelRow patient, Guid? resendSurveyId = null)
    {
        var now = session.Clock.GetUtcNow();
        var patientId = patient.PatientId;
        var channel = ChannelFor(patient.PreferredChannel, patient.Phone, patient.Email, patient.SmsOptedOut, patient.SmsFailedAt is not null,
            patient.EmailOptedOutAt is not null);

        var surveys = await session.QueryAsync<OpenSurveyRow>(
            $"""
            SELECT s.id AS Id, s.status AS Status, s.channel AS Channel, s.send_at AS SendAt, s.closes_at AS ClosesAt,
                   s.next_send_at AS NextSendAt, e.time_zone AS TimeZone,
                   e.send_window_start AS WindowStart, e.send_window_end AS WindowEnd
            FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
            WHERE e.patient_id = @patientId AND e.cancelled_at IS NULL
              AND s.status IN {SqlDialect.Literals(SurveyStatuses.Open)} AND s.closes_at > @now
            """, new { patientId, now });

        foreach (var survey in surveys)
        {
            var next = survey.NextSendAt;
            if (channel is null) next = null;
            else
            {
                var zone = TimeZones.Find(survey.TimeZone)!;
                var window = new SendWindow(survey.WindowStart, survey.WindowEnd);
                if (next is null && survey.Status == SurveyStatuses.Scheduled)
                    next = window.NextOpening(survey.SendAt > now ? survey.SendAt : now, zone);
                if (survey.Id == resendSurveyId)
                {
                    var resend = window.NextOpening(now, zone);
                    if (next is null || resend < next) next = resend;
                }
                if (next >= survey.ClosesAt) next = null;
            }

            var newChannel = channel ?? survey.Channel;
            if (newChannel == survey.Channel && next == survey.NextSendAt) continue;
            await session.ExecuteAsync(
                "UPDATE surveys SET channel = @newChannel, next_send_at = @next WHERE id = @Id",
                new { survey.Id, newChannel, next });
        }
        return channel;
    }

    /// <summary>What decides a patient's channel: a row of <see cref="PatientChannelColumns"/>.</summary>
    public class PatientChannelRow
    {
        public Guid PatientId { get; init; }
        public string PreferredChannel { get; init; } = "";
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public bool SmsOptedOut { get; init; }
        public DateTimeOffset? SmsFailedAt { get; init; }
        public DateTimeOffset? EmailOptedOutAt { get; init; }
    }

    private sealed class OpenSurveyRow
    {
        public Guid Id { get; init; }
        public string Status { get; init; } = "";
        public string Channel { get; init; } = "";
        public DateTimeOffset SendAt { get; init; }
        public DateTimeOffset ClosesAt { get; init; }
        public DateTimeOffset? NextSendAt { get; init; }
        public string TimeZone { get; init; } = "";
        public int WindowStart { get; init; }
        public int WindowEnd { get; init; }
    }
}
