using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Suppression;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;
using PainPro.Messaging.Telemetry;

namespace PainPro.Messaging.CareTeam;

/// <summary>
/// Sends queued care-team notifications, retrying with backoff while the provider is unavailable. Staff hearing of
/// an alert twice is better than not at all, so unlike patient texts an unknown outcome is retried.
/// Rows are claimed by pushing their next attempt out by a lease (with <c>SKIP LOCKED</c> on PostgreSQL), so replicas
/// never send the same row at once.
/// </summary>
public sealed class CareTeamNotificationWork(
    MessagingDb db,
    IServiceScopeFactory scopes,
    CareTeamTemplates templates,
    ILogger<CareTeamNotificationWork> logger) : IDueWork
{
    public const string Raised = "raised";
    public const string Escalated = "escalated";
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";

    public const int MaxAttempts = 8;
    private const int BatchSize = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public string Name => "messaging-care-team-notifications";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var batch = await ClaimAsync(ct);
        if (batch.Count == 0) return 0;

        await using var scope = scopes.CreateAsyncScope();
        var sms = scope.ServiceProvider.GetRequiredService<ISmsGateway>();
        var email = scope.ServiceProvider.GetRequiredService<IEmailGateway>();
        var origins = await CareTeamTelemetry.OriginsAsync(db, batch.Select(r => r.AlertId), ct);
        foreach (var row in batch)
        {
            // The notice continues the trace of the reply (or escalation) that raised the alert.
            using var activity = CareTeamTelemetry.Start(origins, row.AlertId, row.Kind, row.Channel);
            var notice = new CareTeamNotice(row.AlertId, row.Severity, row.MrnLast4, row.Kind == Escalated);
            var link = templates.AlertLink(row.AlertId);
            SendOutcome outcome;
            if (row.Channel == Channels.Sms)
            {
                if (await IsOptedOutAsync(row.Recipient, ct))
                    outcome = new SendOutcome.Rejected("opted-out", null, "The number opted out of texts");
                else
                    outcome = await sms.SendAsync(new SmsMessage(row.Recipient, templates.Sms(notice), link), ct);
            }
            else
            {
                var rendered = templates.Email(notice);
                outcome = await email.SendAsync(new EmailMessage(row.Recipient, rendered.Subject, rendered.TextBody, rendered.HtmlBody, link), ct);
            }
            activity?.SetTag(PainProActivity.Tags.Outcome, outcome.GetType().Name.ToLowerInvariant());
            await RecordAsync(row, outcome);
        }
        return batch.Count;
    }

    private Task<List<NotificationRow>> ClaimAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var rows = (await session.QueryAsync<NotificationRow>(
            $"""
            SELECT id AS Id, alert_id AS AlertId, kind AS Kind, severity AS Severity, mrn_last4 AS MrnLast4,
                   channel AS Channel, recipient AS Recipient, attempts AS Attempts
            FROM care_team_notifications{session.Dialect.ClaimHint}
            WHERE status = @pending AND next_attempt_at <= @now
            ORDER BY next_attempt_at
            {session.Dialect.Limit("@limit")}{session.Dialect.ForUpdateSkipLocked}
            """,
            new { pending = Pending, now, limit = BatchSize })).AsList();
        if (rows.Count > 0)
            await session.ExecuteAsync(
                $"UPDATE care_team_notifications SET next_attempt_at = @until, attempts = attempts + 1 WHERE {session.Dialect.InGuids("id", rows.Select(r => r.Id))}",
                new { until = now + Lease });
        return rows;
    }, ct);

    private Task<bool> IsOptedOutAsync(string phone, CancellationToken ct) =>
        db.InTransactionAsync(session => SmsConsent.IsOptedOutAsync(session, phone), ct);

    private Task RecordAsync(NotificationRow row, SendOutcome outcome) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var attempts = row.Attempts + 1;
        var (status, providerId, error, next) = outcome switch
        {
            SendOutcome.Accepted a => (Sent, a.ProviderMessageId, null, now),
            SendOutcome.Rejected r => (Failed, null, $"{r.Reason} {r.ProviderErrorCode}".Trim(), now),
            _ when attempts >= MaxAttempts => (Failed, null, Describe(outcome), now),
            _ => (Pending, (string?)null, Describe(outcome), now + RetryDelay(attempts)),
        };
        await session.ExecuteAsync(
            """
            UPDATE care_team_notifications
            SET status = @status, provider_message_id = @providerId, last_error = @error, next_attempt_at = @next,
                sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END
            WHERE id = @Id
            """,
            new { status, providerId, error, next, now, row.Id });

        if (status == Sent)
            logger.LogInformation("Care team notified of alert {AlertId} ({Kind}) by {Channel}", row.AlertId, row.Kind, row.Channel);
        else if (status == Failed)
            logger.LogError("Care-team notification {NotificationId} for alert {AlertId} failed for good: {Error}", row.Id, row.AlertId, error);
        else
            logger.LogWarning("Care-team notification {NotificationId} for alert {AlertId} will be retried: {Error}", row.Id, row.AlertId, error);
    });

    private static string Describe(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Unavailable u => u.Detail,
        SendOutcome.Unknown u => u.Detail,
        _ => outcome.ToString(),
    };

    private static TimeSpan RetryDelay(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, attempts - 1)));

    private sealed record NotificationRow
    {
        public Guid Id { get; init; }
        public Guid AlertId { get; init; }
        public string Kind { get; init; } = "";
        public string Severity { get; init; } = "";
        public string? MrnLast4 { get; init; }
        public string Channel { get; init; } = "";
        public string Recipient { get; init; } = "";
        public int Attempts { get; init; }
    }
}
