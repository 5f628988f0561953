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
    /// <summary>The <c>SurveyDue</c> (JSON) of an unsettled claim, to send again if its sender dies mid-call.</summary>
    public string? Request { get; init; }
    /// <summary>1 once the attempt was sent again after an interrupted send.</summary>
    public int Resumed { get; init; }
    /// <summary>The real time the current claim was taken.</summary>
    public DateTimeOffset? LeaseStartedAt { get; init; }
}

/// <summary>The SQL of the <c>deliveries</c> table, shared by the dispatcher, the status webhook and the sweeper.</summary>
public static class Deliveries
{
    private const string Columns =
        "id AS Id, survey_id AS SurveyId, attempt AS Attempt, channel AS Channel, recipient AS Recipient, status AS Status, claim_id AS ClaimId, " +
        "provider_message_id AS ProviderMessageId, failure_reason AS FailureReason, provider_error_code AS ProviderErrorCode, resumed AS Resumed";

    public static Task<Delivery?> FindAsync(DbSession session, Guid surveyId, int attempt) =>
        session.QuerySingleOrDefaultAsync<Delivery>(
            $"SELECT {Columns} FROM deliveries WHERE survey_id = @surveyId AND attempt = @attempt", new { surveyId, attempt });

    public static Task<Delivery?> FindByProviderIdAsync(DbSession session, string providerMessageId) =>
        session.QuerySingleOrDefaultAsync<Delivery>(
            $"SELECT {Columns} FROM deliveries WHERE provider_message_id = @providerMessageId", new { providerMessageId });

    /// <summary>
    /// Claims whose lease started, in real time, at or before <paramref name="leaseStartedBefore"/>: their sender has
    /// had the whole lease to finish. (The status is a literal so PostgreSQL can use the partial index.)
    /// </summary>
    public static async Task<IReadOnlyList<Delivery>> FindLapsedClaimsAsync(DbSession session, DateTimeOffset leaseStartedBefore, int limit) =>
        (await session.QueryAsync<Delivery>(
            $"SELECT {Columns}, request AS Request, lease_started_at AS LeaseStartedAt FROM deliveries WHERE status = 'claimed' AND lease_started_at <= @leaseStartedBefore ORDER BY lease_started_at LIMIT @limit",
            new { leaseStartedBefore, limit })).AsList();

    public static async Task<IReadOnlyList<Delivery>> FindUnsettledAsync(DbSession session, string status, DateTimeOffset updatedBefore, int limit) =>
        (await session.QueryAsync<Delivery>(
            $"SELECT {Columns} FROM deliveries WHERE status = @status AND updated_at <= @updatedBefore ORDER BY updated_at LIMIT @limit",
            new { status, updatedBefore, limit })).AsList();

    /// <summary>
    /// Inserts a new row for the attempt and returns its id; null when one already exists (another copy of the message got there first).
    /// A claimed row also takes the real time its lease starts (<see cref="LeaseClock"/>).
    /// </summary>
    public static async Task<Guid?> TryInsertAsync(DbSession session, SurveyDue due, string channel, string recipient, string locale,
        string status, Guid? claimId, DateTimeOffset? leaseStartedAt, string? failureReason, string? request = null)
    {
        var now = session.Clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        return await session.ExecuteAsync(
            """
            INSERT INTO deliveries (id, survey_id, attempt, channel, recipient, locale, status, claim_id, claimed_at,
                                    lease_started_at, failure_reason, request, created_at, updated_at)
            VALUES (@id, @SurveyId, @Attempt, @channel, @recipient, @locale, @status, @claimId, @claimedAt,
                    @leaseStartedAt, @failureReason, @request, @now, @now)
            ON CONFLICT (survey_id, attempt) DO NOTHING
            """,
            new
            {
                id, due.SurveyId, due.Attempt, channel, recipient, locale, status, claimId,
                claimedAt = claimId is null ? (DateTimeOffset?)null : now, leaseStartedAt = claimId is null ? null : leaseStartedAt,
                failureReason, request = claimId is null ? null : request, now,
            }) == 1 ? id : null;
    }

    /// <summary>Takes back a row the provider was unavailable for, under a new lease; false when someone else took it first.</summary>
    public static async Task<bool> TryReclaimAsync(DbSession session, Guid id, Guid claimId, DateTimeOffset leaseStartedAt, string request)
    {
        var now = session.Clock.GetUtcNow();
        return await session.ExecuteAsync(
            """
            UPDATE deliveries SET status = @claimed, claim_id = @claimId, claimed_at = @now, lease_started_at = @leaseStartedAt,
                                  request = @request, updated_at = @now
            WHERE id = @id AND status = @retry
            """,
            new { id, claimId, now, leaseStartedAt, request, claimed = DeliveryStatuses.Claimed, retry = DeliveryStatuses.Retry }) == 1;
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

    /// <summary>Settles a row we hold (claimed by <paramref name="claimId"/>, or offered for retry); false when we no longer hold it.</summary>
    public static async Task<bool> SettleAsync(DbSession session, Guid id, Guid? claimId, string status,
        string? providerMessageId = null, string? failureReason = null, string? providerErrorCode = null)
    {
        var now = session.Clock.GetUtcNow();
        return await session.ExecuteAsync(
            """
            UPDATE deliveries
            SET status = @status, claim_id = NULL, request = NULL,
                provider_message_id = COALESCE(@providerMessageId, provider_message_id),
                failure_reason = @failureReason, provider_error_code = @providerErrorCode,
                sent_at = CASE WHEN @providerMessageId IS NULL THEN sent_at ELSE @now END,
                updated_at = @now
            WHERE id = @id AND ((@claimId IS NOT NULL AND claim_id = @claimId) OR (@claimId IS NULL AND status = @retry))
            """,
            new { id, claimId, status, providerMessageId, failureReason, providerErrorCode, now, retry = DeliveryStatuses.Retry }) == 1;
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
