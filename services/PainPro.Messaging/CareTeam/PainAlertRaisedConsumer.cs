using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Suppression;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Phones;

namespace PainPro.Messaging.CareTeam;

/// <summary>
/// Queues the care-team notifications of a raised or escalated alert; repeats of the message are no-ops. A batch at a
/// time: one alert per reply that raises one, so a batch commits once for many of them.
/// </summary>
public sealed class PainAlertRaisedConsumer(MessagingDb db, IOptions<MessagingOptions> options, ILogger<PainAlertRaisedConsumer> logger)
    : BatchInboxConsumer<PainAlertRaised>(db, logger)
{
    protected override async Task HandleAsync(PainAlertRaised message, DbSession session, CancellationToken ct)
    {
        if (await CareTeamNotifications.QueueAsync(session, message, options.Value.CareTeam) > 0)
            await TraceOrigins.RecordAsync(session, message.AlertId);
    }
}

/// <summary>
/// One notification per care-team address when an alert is raised or escalated; <see cref="CareTeamNotificationWork"/>
/// sends them. Once per alert, kind (raised / escalated), severity and recipient: an alert updated with the same
/// severity is not notified again, one that rises to a higher severity is.
/// </summary>
public static class CareTeamNotifications
{
    /// <summary>Queues the notifications <paramref name="alert"/> calls for; returns how many were new.</summary>
    public static async Task<int> QueueAsync(DbSession session, PainAlertRaised alert, CareTeamOptions careTeam)
    {
        if (!alert.Escalated && AlertSeverities.Rank(alert.Severity) < AlertSeverities.Rank(careTeam.MinimumSeverity)) return 0;

        var recipients = careTeam.Emails.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => (Channel: Channels.Email, Address: e.Trim()))
            .Concat(careTeam.Phones.Select(p => PhoneNumber.Normalize(p)).OfType<string>().Select(p => (Channel: Channels.Sms, Address: p)))
            .Distinct();
        var now = session.Clock.GetUtcNow();
        var queued = 0;
        foreach (var (channel, address) in recipients)
        {
            queued += await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? """
                  INSERT INTO care_team_notifications (id, alert_id, kind, severity, mrn_last4, channel, recipient, status, next_attempt_at, created_at)
                  SELECT @id, @AlertId, @kind, @severity, @MrnLast4, @channel, @address, @pending, @now, @now
                  WHERE NOT EXISTS (SELECT 1 FROM care_team_notifications WITH (UPDLOCK, HOLDLOCK)
                                    WHERE alert_id = @AlertId AND kind = @kind AND severity = @severity AND channel = @channel AND recipient = @address)
                  """
                : """
                INSERT INTO care_team_notifications (id, alert_id, kind, severity, mrn_last4, channel, recipient, status, next_attempt_at, created_at)
                VALUES (@id, @AlertId, @kind, @severity, @MrnLast4, @channel, @address, @pending, @now, @now)
                ON CONFLICT (alert_id, kind, severity, channel, recipient) DO NOTHING
                """,
                new
                {
                    id = Guid.CreateVersion7(), alert.AlertId,
                    kind = alert.Escalated ? CareTeamNotificationWork.Escalated : CareTeamNotificationWork.Raised,
                    severity = alert.Severity.ToLowerInvariant(), alert.MrnLast4, channel, address,
                    pending = CareTeamNotificationWork.Pending, now,
                });
        }
        return queued;
    }
}
