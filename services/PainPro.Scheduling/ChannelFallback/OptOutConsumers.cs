using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Phones;
using PainPro.Scheduling.ChannelFallback;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Scheduling.ChannelFallback;

/// <summary>STOP by SMS: no more texts to that phone; the patients on it move to email, or become unreachable.</summary>
public sealed class PatientOptedOutConsumer(SchedulingDb db, ILogger<PatientOptedOutConsumer> logger)
    : InboxConsumer<PatientOptedOut>(db)
{
    protected override async Task HandleAsync(PatientOptedOut message, DbSession session, CancellationToken ct)
    {
        var patients = await SmsOptOut.SetAsync(session, message.Phone, optedOut: true);
        foreach (var patient in patients)
        {
            var channel = await PatientChannels.RerouteAsync(session, patient);
            // The phone number stays out of the log; the patient id is enough to find it.
            logger.LogInformation("Patient {PatientId} opted out of SMS ({Keyword}); now {Channel}",
                patient.PatientId, message.Keyword, channel ?? "unreachable");
        }
    }
}

/// <summary>START by SMS: texts resume; surveys not yet sent go out again on the patient's preferred channel.</summary>
public sealed class PatientOptedInConsumer(SchedulingDb db, ILogger<PatientOptedInConsumer> logger)
    : InboxConsumer<PatientOptedIn>(db)
{
    protected override async Task HandleAsync(PatientOptedIn message, DbSession session, CancellationToken ct)
    {
        var patients = await SmsOptOut.SetAsync(session, message.Phone, optedOut: false);
        foreach (var patient in patients)
        {
            var channel = await PatientChannels.RerouteAsync(session, patient);
            logger.LogInformation("Patient {PatientId} opted back in to SMS ({Keyword}); now {Channel}",
                patient.PatientId, message.Keyword, channel ?? "unreachable");
        }
    }
}

/// <summary>
/// An email's unsubscribe link: no more survey emails for the patient; their surveys move to SMS if it reaches them,
/// else they become unreachable. Repeating it changes nothing (the first time stands).
/// </summary>
public sealed class PatientUnsubscribedConsumer(SchedulingDb db, ILogger<PatientUnsubscribedConsumer> logger)
    : InboxConsumer<PatientUnsubscribed>(db)
{
    protected override async Task HandleAsync(PatientUnsubscribed message, DbSession session, CancellationToken ct)
    {
        if (message.Channel != Channels.Email) return;
        var patient = await session.QuerySingleOrDefaultAsync<PatientChannels.PatientChannelRow>(
            $"""
            UPDATE patients SET email_opted_out_at = COALESCE(email_opted_out_at, @At), updated_at = @now{session.Dialect.Output(PatientChannels.PatientChannelColumns)}
            WHERE id = @PatientId{session.Dialect.Returning(PatientChannels.PatientChannelColumns)}
            """, new { message.At, message.PatientId, now = session.Clock.GetUtcNow() });
        if (patient is null) return;
        var channel = await PatientChannels.RerouteAsync(session, patient);
        logger.LogInformation("Patient {PatientId} unsubscribed from survey emails; now {Channel}", patient.PatientId, channel ?? "unreachable");
    }
}

internal static class SmsOptOut
{
    /// <summary>
    /// Sets the opt-out of every patient on that phone (family members may share one) and returns them as changed,
    /// ready for <see cref="PatientChannels.RerouteAsync(DbSession, PatientChannels.PatientChannelRow, Guid?)"/>.
    /// </summary>
    public static async Task<IReadOnlyList<PatientChannels.PatientChannelRow>> SetAsync(DbSession session, string phone, bool optedOut) =>
        (await session.QueryAsync<PatientChannels.PatientChannelRow>(
            $"""
            UPDATE patients SET sms_opted_out = @optedOut, updated_at = @now{session.Dialect.Output(PatientChannels.PatientChannelColumns)}
            WHERE phone = @phone{session.Dialect.Returning(PatientChannels.PatientChannelColumns)}
            """,
            new { optedOut, now = session.Clock.GetUtcNow(), phone = PhoneNumber.Normalize(phone) ?? phone.Trim() })).ToList();
}
