namespace PainPro.Portal.Clients;

/// <summary>Our sender as Messaging sees it on one channel (<c>GET /api/senders</c>).</summary>
public sealed record SenderNotice
{
    public string Channel { get; init; } = "";
    public string Sender { get; init; } = "";
    /// <summary><c>ok</c>, <c>unavailable</c> (an outage: sends deferred and retried) or <c>refused</c> (our account or sender: every send held).</summary>
    public string State { get; init; } = "ok";
    public string? ErrorCode { get; init; }
    public string? Description { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? NextProbeAt { get; init; }
    public long DeferredSends { get; init; }

    public bool IsTroubled => State != "ok";
}

/// <summary>Who hears of alerts (<c>GET /api/care-team</c>): counts only, and the warning when nobody does.</summary>
public sealed record CareTeamRecipients
{
    public int Emails { get; init; }
    public int Phones { get; init; }
    public string? Warning { get; init; }
}

/// <summary>Messaging's API, for what admins must know: whether the providers take our texts and emails, and whether anyone hears of alerts.</summary>
public sealed class MessagingClient(HttpClient http) : ServiceApiClient(http, "Messaging")
{
    public Task<IReadOnlyList<SenderNotice>> SendersAsync(CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<SenderNotice>>("api/senders", ct);

    public Task<CareTeamRecipients> CareTeamAsync(CancellationToken ct = default) =>
        GetAsync<CareTeamRecipients>("api/care-team", ct);
}
