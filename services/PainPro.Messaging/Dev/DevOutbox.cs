using PainPro.Contracts;
using PainPro.Messaging.Gateways;

namespace PainPro.Messaging.Dev;

/// <summary>One text or email a dev gateway "sent" (DESIGN §9: <c>to, channel, body, link, sentAt</c>).</summary>
public sealed record DevOutboxEntry(string To, string Channel, string Body, string? Link, DateTimeOffset SentAt, string? Subject);

/// <summary>
/// In-memory record of what the dev gateways sent, newest last. Bounded so a long-running dev host cannot grow
/// without limit; the oldest entries fall off first.
/// </summary>
public sealed class DevOutbox(TimeProvider clock)
{
    public const int Capacity = 10_000;

    private readonly LinkedList<DevOutboxEntry> entries = new();
    private readonly Lock gate = new();

    public DevOutboxEntry Record(string to, string channel, string body, string? link, string? subject = null)
    {
        var entry = new DevOutboxEntry(to, channel, body, link, clock.GetUtcNow(), subject);
        lock (gate)
        {
            entries.AddLast(entry);
            if (entries.Count > Capacity) entries.RemoveFirst();
        }
        return entry;
    }

    /// <summary>Everything sent, or only what went to <paramref name="to"/> (exact match), oldest first.</summary>
    public IReadOnlyList<DevOutboxEntry> List(string? to = null)
    {
        lock (gate)
            return string.IsNullOrEmpty(to) ? [.. entries] : [.. entries.Where(e => e.To == to)];
    }
}

/// <summary>Records texts instead of sending them; answers like a provider that accepted the message.</summary>
public sealed class DevSmsGateway(DevOutbox outbox) : ISmsGateway
{
    public Task<SmsTurn> TakeTurnAsync(CancellationToken ct) => Task.FromResult(new SmsTurn(0));

    // The dev outbox keeps no provider ids to find a text by: an interrupted dev send is simply recorded again.
    public Task<SendOutcome.Accepted?> FindTakenAsync(SmsMessage message, DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult<SendOutcome.Accepted?>(null);

    public Task<SendOutcome> SendAsync(SmsMessage message, SmsTurn turn, CancellationToken ct)
    {
        outbox.Record(message.To, Channels.Sms, message.Body, message.Link);
        return Task.FromResult<SendOutcome>(new SendOutcome.Accepted("DEV" + Guid.NewGuid().ToString("N"), "sent"));
    }
}

/// <summary>Records emails (their text part) instead of sending them.</summary>
public sealed class DevEmailGateway(DevOutbox outbox) : IEmailGateway
{
    public Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken ct)
    {
        outbox.Record(message.To, Channels.Email, message.TextBody, message.Link, message.Subject);
        return Task.FromResult<SendOutcome>(new SendOutcome.Accepted($"<{Guid.NewGuid():N}@dev.painpro>", "sent"));
    }
}
