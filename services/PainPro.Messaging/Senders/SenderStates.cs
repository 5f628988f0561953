using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Messaging.Senders;

/// <summary>What the provider thinks of our sender on one channel (a row of <c>provider_senders</c>).</summary>
public sealed record SenderStatus
{
    public string Channel { get; init; } = "";
    public string Sender { get; init; } = "";
    public string State { get; init; } = SenderStates.Ok;
    public string? ErrorCode { get; init; }
    public string? Detail { get; init; }
    public DateTimeOffset Since { get; init; }
    public DateTimeOffset? NextProbeAt { get; init; }

    public bool IsRefused => State == SenderStates.Refused;
}

/// <summary>Whether a send may go now as far as our sender is concerned.</summary>
public abstract record SenderGate
{
    public sealed record Open : SenderGate;

    /// <summary>The sender is refused, and this send is the one probe allowed now: it finds out whether it cleared.</summary>
    public sealed record Probe : SenderGate;

    /// <summary>The sender is refused: hold the send until <paramref name="Until"/> (the next probe) or a recovery wakes it.</summary>
    public sealed record Held(DateTimeOffset Until, string? ErrorCode) : SenderGate;

    public static readonly SenderGate Go = new Open();
}

/// <summary>
/// The state of our sender per channel, in the database so every replica agrees. A refusal of our own account, sender or
/// content (<c>refused</c>) holds every send — one probe per <c>Delivery:ProbeInterval</c> finds out when it clears; an
/// outage (<c>unavailable</c>) holds nothing (each send backs off on its own) but is reported. Each change of state is
/// logged once (an Error for a refusal), not once per message, and shows on <c>/health/ready</c> and the Portal.
/// The first send that gets through after either clears it and wakes every send deferred for the provider or sender.
/// </summary>
public sealed class SenderStates(MessagingDb db, IOptions<MessagingOptions> options, ILogger<SenderStates> logger)
{
    public const string Ok = "ok";
    public const string Unavailable = "unavailable";
    public const string Refused = "refused";

    /// <summary>How long a replica trusts what it last read; another replica's change reaches it within this.</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (SenderStatus? Status, long ReadAt)> cache = new();

    private const string Columns =
        "channel AS Channel, sender AS Sender, state AS State, error_code AS ErrorCode, detail AS Detail, since AS Since, next_probe_at AS NextProbeAt";

    /// <summary>Who sends on <paramref name="channel"/>, as an operator knows it: our number or Messaging Service, our email address.</summary>
    public string SenderOf(string channel) => channel == Channels.Sms
        ? options.Value.Twilio.Sender
        : options.Value.Smtp.From ?? "email";

    /// <summary>
    /// The state as this replica last read it (at most a second old); null when all is well. Read through
    /// <paramref name="session"/> when inside a transaction.
    /// </summary>
    public async ValueTask<SenderStatus?> CurrentAsync(string channel, DbSession? session = null, CancellationToken ct = default)
    {
        if (cache.TryGetValue(channel, out var cached) && Stopwatch.GetElapsedTime(cached.ReadAt) < CacheFor) return cached.Status;
        const string sql = $"SELECT {Columns} FROM provider_senders WHERE channel = @channel AND state <> 'ok'";
        var status = session is not null
            ? await session.QuerySingleOrDefaultAsync<SenderStatus>(sql, new { channel })
            : await db.ReadAsync(c => c.QuerySingleOrDefaultAsync<SenderStatus>(sql, new { channel }), ct);
        Remember(channel, status);
        return status;
    }

    /// <summary>Every channel's state, read now (for the health check and the API).</summary>
    public async Task<IReadOnlyList<SenderStatus>> ListAsync(CancellationToken ct) =>
        (await db.ReadAsync(c => c.QueryAsync<SenderStatus>($"SELECT {Columns} FROM provider_senders ORDER BY channel"), ct)).AsList();

    /// <summary>
    /// Whether a send may go now, without writing anything: held while the sender is refused and no probe is due. For the
    /// check before a send waits for its rate-limit turn; <see cref="GateAsync"/> decides in the claim.
    /// </summary>
    public async ValueTask<SenderGate> PeekAsync(string channel, DateTimeOffset now, CancellationToken ct) =>
        await CurrentAsync(channel, ct: ct) is { IsRefused: true } refused && refused.NextProbeAt > now
            ? new SenderGate.Held(refused.NextProbeAt.Value, refused.ErrorCode)
            : SenderGate.Go;

    /// <summary>
    /// In the claim's transaction: open, or (while refused) the one probe due now — taken atomically, so replicas never
    /// probe at once — or held until the next probe.
    /// </summary>
    public async Task<SenderGate> GateAsync(DbSession session, string channel)
    {
        if (await CurrentAsync(channel, session) is not { IsRefused: true } refused) return SenderGate.Go;
        var now = session.Clock.GetUtcNow();
        var nextProbe = now + options.Value.Delivery.ProbeInterval;
        var probing = await session.ExecuteAsync(
            "UPDATE provider_senders SET next_probe_at = @nextProbe, updated_at = @now WHERE channel = @channel AND state = @refused AND next_probe_at <= @now",
            new { channel, refused = Refused, now, nextProbe }) == 1;
        if (probing)
        {
            Remember(channel, refused with { NextProbeAt = nextProbe });
            logger.LogInformation("Probing the {Channel} sender {Sender}, refused since {Since} ({ErrorCode})", channel, refused.Sender, refused.Since, refused.ErrorCode);
            return new SenderGate.Probe();
        }
        var until = refused.NextProbeAt is { } at && at > now ? at : nextProbe;
        return new SenderGate.Held(until, refused.ErrorCode);
    }

    /// <summary>The provider refused our account, sender or content: every send is held from now on. Logged once per change of code.</summary>
    public async Task<DateTimeOffset> RecordRefusedAsync(DbSession session, string channel, string errorCode, string detail)
    {
        var now = session.Clock.GetUtcNow();
        var status = await session.QuerySingleOrDefaultAsync<SenderStatus>(session.Dialect.IsSqlServer
            ? $"""
              MERGE provider_senders WITH (HOLDLOCK) AS p USING (SELECT @channel AS channel) AS v ON p.channel = v.channel
              WHEN MATCHED AND (p.state <> @refused OR COALESCE(p.error_code, '') <> @errorCode) THEN UPDATE
              SET sender = @sender, state = @refused, error_code = @errorCode, detail = @detail, since = @now, updated_at = @now,
                  next_probe_at = CASE WHEN p.state = @refused THEN p.next_probe_at ELSE @nextProbe END
              WHEN NOT MATCHED THEN INSERT (channel, sender, state, error_code, detail, since, next_probe_at, updated_at)
                  VALUES (@channel, @sender, @refused, @errorCode, @detail, @now, @nextProbe, @now)
              {session.Dialect.Output(Columns)};
              """
            : $"""
            INSERT INTO provider_senders (channel, sender, state, error_code, detail, since, next_probe_at, updated_at)
            VALUES (@channel, @sender, @refused, @errorCode, @detail, @now, @nextProbe, @now)
            ON CONFLICT (channel) DO UPDATE
            SET sender = excluded.sender, state = excluded.state, error_code = excluded.error_code, detail = excluded.detail,
                since = excluded.since, updated_at = excluded.updated_at,
                next_probe_at = CASE WHEN provider_senders.state = @refused THEN provider_senders.next_probe_at ELSE excluded.next_probe_at END
            WHERE provider_senders.state <> @refused OR COALESCE(provider_senders.error_code, '') <> excluded.error_code
            RETURNING {Columns}
            """,
            new { channel, sender = SenderOf(channel), refused = Refused, errorCode, detail, now, nextProbe = now + options.Value.Delivery.ProbeInterval });
        if (status is null) return (await CurrentAsync(channel, session))?.NextProbeAt ?? now + options.Value.Delivery.ProbeInterval;

        Remember(channel, status);
        logger.LogError("The provider refuses our {Channel} sender {Sender} ({ErrorCode}: {Detail}); every send is held and a probe is tried every {ProbeInterval} until it clears",
            channel, status.Sender, errorCode, detail, options.Value.Delivery.ProbeInterval);
        return status.NextProbeAt ?? now;
    }

    /// <summary>The provider could not take a send (outage, 429): reported once, until a send gets through. Never overrides a refusal.</summary>
    public async Task RecordUnavailableAsync(DbSession session, string channel, string detail)
    {
        if (await CurrentAsync(channel, session) is { } known && known.State != Ok) return;
        var now = session.Clock.GetUtcNow();
        var status = await session.QuerySingleOrDefaultAsync<SenderStatus>(session.Dialect.IsSqlServer
            ? $"""
              MERGE provider_senders WITH (HOLDLOCK) AS p USING (SELECT @channel AS channel) AS v ON p.channel = v.channel
              WHEN MATCHED AND p.state = @ok THEN UPDATE
              SET sender = @sender, state = @unavailable, error_code = NULL, detail = @detail, since = @now, next_probe_at = NULL, updated_at = @now
              WHEN NOT MATCHED THEN INSERT (channel, sender, state, error_code, detail, since, next_probe_at, updated_at)
                  VALUES (@channel, @sender, @unavailable, NULL, @detail, @now, NULL, @now)
              {session.Dialect.Output(Columns)};
              """
            : $"""
            INSERT INTO provider_senders (channel, sender, state, error_code, detail, since, next_probe_at, updated_at)
            VALUES (@channel, @sender, @unavailable, NULL, @detail, @now, NULL, @now)
            ON CONFLICT (channel) DO UPDATE
            SET sender = excluded.sender, state = excluded.state, error_code = NULL, detail = excluded.detail,
                since = excluded.since, next_probe_at = NULL, updated_at = excluded.updated_at
            WHERE provider_senders.state = @ok
            RETURNING {Columns}
            """,
            new { channel, sender = SenderOf(channel), unavailable = Unavailable, ok = Ok, detail, now });
        if (status is null) return;
        Remember(channel, status);
        logger.LogWarning("The {Channel} provider is unavailable ({Detail}); sends are deferred and retried with backoff until it answers again",
            channel, detail);
    }

    /// <summary>
    /// A send the provider took: if the sender was refused or unavailable when that send began, it works again — every
    /// send deferred for the provider or sender is woken to go now. A send begun before the trouble started proves nothing.
    /// </summary>
    public async Task RecordAcceptedAsync(DbSession session, string channel, DateTimeOffset sendStartedAt)
    {
        if (await CurrentAsync(channel, session) is null) return;
        var now = session.Clock.GetUtcNow();
        var cleared = await session.QuerySingleOrDefaultAsync<SenderStatus>(
            $"""
            UPDATE provider_senders SET state = @ok, error_code = NULL, detail = NULL, since = @now, next_probe_at = NULL, updated_at = @now
            {session.Dialect.Output(Columns)}
            WHERE channel = @channel AND state <> @ok AND since <= @sendStartedAt{session.Dialect.Returning(Columns)}
            """,
            new { channel, ok = Ok, now, sendStartedAt });
        if (cleared is null) return;
        Remember(channel, null);

        var woken = await session.ExecuteAsync(
            "UPDATE deliveries SET next_attempt_at = @now WHERE status = 'deferred' AND channel = @channel AND defer_reason IN (@unavailable, @sender) AND next_attempt_at > @now",
            new { now, channel, unavailable = DeliveryDeferralReasons.ProviderUnavailable, sender = DeliveryDeferralReasons.SenderFault });
        if (channel == Channels.Sms)
            woken += await session.ExecuteAsync(
                "UPDATE sms_replies SET next_attempt_at = @now WHERE status = 'deferred' AND next_attempt_at > @now", new { now });
        logger.LogInformation("The {Channel} provider takes our sends again; {Woken} deferred sends woken to go now", channel, woken);
    }

    private void Remember(string channel, SenderStatus? status) => cache[channel] = (status is { State: not Ok } ? status : null, Stopwatch.GetTimestamp());
}
