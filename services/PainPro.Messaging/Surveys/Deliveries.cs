using System.Collections.Concurrent;
using Dapper;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Messaging.Surveys;

/// <summary>A delivery row: one survey send attempt. (Properties, not a positional record: Dapper converts column
/// types per property, which SQLite's loosely typed columns need.)</summary>
public sealed record Delivery
{
    public Guid Id { get; init; }
    public Guid SurveyId { get; init; }
    public int Attempt { get; init; }
    public string Channel { get; init; } = "";
    public string Recipient { get; init; } = "";
    public string Status { get; init; } = "";
    public Guid? ClaimId { get; init; }
    public string? ProviderMessageId { get; init; }
    public string? FailureReason { get; init; }
    public string? ProviderErrorCode { get; init; }
    /// <summary>The <c>SurveyDue</c> (JSON) of an unsettled send (claimed or deferred): what is sent on its next attempt.</summary>
    public string? Request { get; init; }
    /// <summary>1 once the attempt was sent again after an interrupted send.</summary>
    public int Resumed { get; init; }
    /// <summary>The real time the current claim was taken.</summary>
    public DateTimeOffset? LeaseStartedAt { get; init; }
    /// <summary>A deferred send's next attempt (business time).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>Why it is deferred: a <c>DeliveryDeferralReasons</c> value.</summary>
    public string? DeferReason { get; init; }
    /// <summary>How many times it was deferred so far (the backoff doubles with each).</summary>
    public int Deferrals { get; init; }
}

/// <summary>The SQL of the <c>deliveries</c> table, shared by the dispatcher, the status webhook and the sweeper.</summary>
public static class Deliveries
{
    private const string Columns =
        "id AS Id, survey_id AS SurveyId, attempt AS Attempt, channel AS Channel, recipient AS Recipient, status AS Status, claim_id AS ClaimId, " +
        "provider_message_id AS ProviderMessageId, failure_reason AS FailureReason, provider_error_code AS ProviderErrorCode, resumed AS Resumed, " +
        "next_attempt_at AS NextAttemptAt, defer_reason AS DeferReason, deferrals AS Deferrals";

    /// <summary>Every column a send needs, its request included.</summary>
    private const string AllColumns = Columns + ", request AS Request, lease_started_at AS LeaseStartedAt";

    public static Task<Delivery?> FindAsync(DbSession session, Guid surveyId, int attempt) =>
        session.QuerySingleOrDefaultAsync<Delivery>(
            $"SELECT {Columns} FROM deliveries WHERE survey_id = @surveyId AND attempt = @attempt", new { surveyId, attempt });

    public static Task<Delivery?> FindByIdAsync(DbSession session, Guid id) =>
        session.QuerySingleOrDefaultAsync<Delivery>($"SELECT {AllColumns} FROM deliveries WHERE id = @id", new { id });

    public static Task<Delivery?> FindByProviderIdAsync(DbSession session, string providerMessageId) =>
        session.QuerySingleOrDefaultAsync<Delivery>(
            $"SELECT {Columns} FROM deliveries WHERE provider_message_id = @providerMessageId", new { providerMessageId });

    /// <summary>
    /// Claims whose lease started, in real time, at or before <paramref name="leaseStartedBefore"/>: their sender has
    /// had the whole lease to finish. (The status is a literal so PostgreSQL can use the partial index.)
    /// </summary>
    public static async Task<IReadOnlyList<Delivery>> FindLapsedClaimsAsync(DbSession session, DateTimeOffset leaseStartedBefore, int limit) =>
        (await session.QueryAsync<Delivery>(
            $"SELECT {AllColumns} FROM deliveries WHERE status = 'claimed' AND lease_started_at <= @leaseStartedBefore ORDER BY lease_started_at {session.Dialect.Limit("@limit")}",
            new { leaseStartedBefore, limit })).AsList();

    /// <summary>
    /// Inserts a new row for the attempt and returns its id; null when one already exists (another copy of the message got there first).
    /// A claimed row also takes the real time its lease starts (<see cref="LeaseClock"/>); a claimed or deferred one keeps its request.
    /// </summary>
    public static async Task<Guid?> TryInsertAsync(DbSession session, SurveyDue due, string channel, string recipient, string locale,
        string status, Guid? claimId = null, DateTimeOffset? leaseStartedAt = null, string? failureReason = null, string? request = null,
        Deferral? deferral = null)
    {
        var now = session.Clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var unsettled = claimId is not null || deferral is not null;
        const string InsertedColumns = """
            id, survey_id, attempt, channel, recipient, locale, status, claim_id, claimed_at,
            lease_started_at, failure_reason, request, expires_at, next_attempt_at, defer_reason,
            provider_error_code, deferrals, created_at, updated_at
            """;
        const string InsertedValues = """
            @id, @SurveyId, @Attempt, @channel, @recipient, @locale, @status, @claimId, @claimedAt,
            @leaseStartedAt, @failureReason, @request, @ExpiresAt, @nextAttemptAt, @deferReason,
            @errorCode, @deferrals, @now, @now
            """;
        return await session.ExecuteAsync(session.Dialect.IsSqlServer
            ? $"""
              INSERT INTO deliveries ({InsertedColumns})
              SELECT {InsertedValues}
              WHERE NOT EXISTS (SELECT 1 FROM deliveries WITH (UPDLOCK, HOLDLOCK) WHERE survey_id = @SurveyId AND attempt = @Attempt)
              """
            : $"""
              INSERT INTO deliveries ({InsertedColumns}) VALUES ({InsertedValues})
              ON CONFLICT (survey_id, attempt) DO NOTHING
              """,
            new
            {
                id, due.SurveyId, due.Attempt, channel, recipient, locale, status, claimId,
                claimedAt = claimId is null ? (DateTimeOffset?)null : now, leaseStartedAt = claimId is null ? null : leaseStartedAt,
                failureReason, request = unsettled ? request : null, due.ExpiresAt,
                nextAttemptAt = deferral?.NextAttemptAt, deferReason = deferral?.Reason, errorCode = deferral?.ProviderErrorCode,
                deferrals = deferral is null ? 0 : 1, now,
            }) == 1 ? id : null;
    }

    /// <summary>
    /// The row is ours: claimed by <paramref name="claimId"/>, or (null) deferred and so held by nobody. Written out
    /// rather than tested in SQL: PostgreSQL cannot type a parameter that is only ever compared with NULL.
    /// </summary>
    public static string HeldBy(Guid? claimId) => claimId is null ? "status = 'deferred'" : "claim_id = @claimId";

    /// <summary>Claims a deferred row to send it now, under a new lease; false when someone else took or settled it first.</summary>
    public static async Task<bool> TryClaimDeferredAsync(DbSession session, Guid id, Guid claimId, DateTimeOffset leaseStartedAt)
    {
        var now = session.Clock.GetUtcNow();
        return await session.ExecuteAsync(
            """
            UPDATE deliveries SET status = 'claimed', claim_id = @claimId, claimed_at = @now, lease_started_at = @leaseStartedAt, updated_at = @now
            WHERE id = @id AND status = 'deferred'
            """,
            new { id, claimId, now, leaseStartedAt }) == 1;
    }

    /// <summary>
    /// Defers a row we hold (claimed by <paramref name="claimId"/>, or deferred already when null) to its next attempt,
    /// keeping its request; false when we no longer hold it.
    /// </summary>
    public static async Task<bool> DeferAsync(DbSession session, Guid id, Guid? claimId, Deferral deferral)
    {
        var now = session.Clock.GetUtcNow();
        return await session.ExecuteAsync(
            $"""
            UPDATE deliveries
            SET status = 'deferred', claim_id = NULL, next_attempt_at = @NextAttemptAt, defer_reason = @Reason,
                provider_error_code = @ProviderErrorCode, deferrals = deferrals + 1, updated_at = @now
            WHERE id = @id AND {HeldBy(claimId)}
            """,
            new { id, claimId, deferral.NextAttemptAt, deferral.Reason, deferral.ProviderErrorCode, now }) == 1;
    }

    /// <summary>
    /// Takes over a lapsed claim to send it again, once: false when its sender settled it after all, someone else
    /// took it over first, or it was resumed before.
    /// </summary>
    public static async Task<bool> TryResumeAsync(DbSession session, Guid id, Guid lapsedClaimId, Guid claimId, DateTimeOffset leaseStartedAt)
    {
        var now = session.Clock.GetUtcNow();
        return await session.ExecuteAsync(
            """
            UPDATE deliveries SET claim_id = @claimId, claimed_at = @now, lease_started_at = @leaseStartedAt, resumed = 1, updated_at = @now
            WHERE id = @id AND status = @claimed AND claim_id = @lapsedClaimId AND resumed = 0
            """,
            new { id, lapsedClaimId, claimId, now, leaseStartedAt, claimed = DeliveryStatuses.Claimed }) == 1;
    }

    /// <summary>
    /// Settles a row we hold (claimed by <paramref name="claimId"/>, or deferred when null) and clears its request: the
    /// contact details are kept only while a send is unsettled. False when we no longer hold it.
    /// </summary>
    public static async Task<bool> SettleAsync(DbSession session, Guid id, Guid? claimId, string status,
        string? providerMessageId = null, string? failureReason = null, string? providerErrorCode = null)
    {
        var now = session.Clock.GetUtcNow();
        return await session.ExecuteAsync(
            $"""
            UPDATE deliveries
            SET status = @status, claim_id = NULL, request = NULL,
                provider_message_id = COALESCE(@providerMessageId, provider_message_id),
                failure_reason = @failureReason, provider_error_code = @providerErrorCode,
                sent_at = CASE WHEN @providerMessageId IS NULL THEN sent_at ELSE @now END,
                next_attempt_at = NULL, updated_at = @now
            WHERE id = @id AND {HeldBy(claimId)}
            """,
            new { id, claimId, status, providerMessageId, failureReason, providerErrorCode, now }) == 1;
    }

    /// <summary>Moves a settled row to a later provider status (never backwards).</summary>
    public static Task<int> AdvanceStatusAsync(DbSession session, Guid id, string status, string? failureReason, string? providerErrorCode) =>
        session.ExecuteAsync(
            """
            UPDATE deliveries
            SET status = @status, failure_reason = COALESCE(@failureReason, failure_reason),
                provider_error_code = COALESCE(@providerErrorCode, provider_error_code), updated_at = @now
            WHERE id = @id
            """,
            new { id, status, failureReason, providerErrorCode, now = session.Clock.GetUtcNow() });
}

/// <summary>A send put off: until when, why (a <c>DeliveryDeferralReasons</c> value) and the provider's code, if it refused our sender.</summary>
public sealed record Deferral(DateTimeOffset NextAttemptAt, string Reason, string? ProviderErrorCode = null);

/// <summary>
/// The real (system) time claim leases start and lapse by. A lease stands for a sender that may have stopped mid-call,
/// which only real elapsed time reveals: the business clock may be the dev clock, which jumps days at once.
/// </summary>
public sealed class LeaseClock(TimeProvider realTime)
{
    public DateTimeOffset GetUtcNow() => realTime.GetUtcNow();
}

/// <summary>
/// Claims whose provider call is running in this process right now. The sweeper leaves them alone even once their
/// lease has run out (a long wait for the rate limit): the call may still succeed and settles its own claim.
/// </summary>
public sealed class InFlightSends
{
    private readonly ConcurrentDictionary<Guid, byte> claims = new();

    public IDisposable Track(Guid claimId)
    {
        claims[claimId] = 0;
        return new Release(() => claims.TryRemove(claimId, out _));
    }

    public bool Contains(Guid claimId) => claims.ContainsKey(claimId);

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
