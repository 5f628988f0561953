using System.Collections.Concurrent;
using System.Data.Common;
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
    /// Which of these surveys' attempts have a row already, read without a transaction: the claim decides for certain
    /// (<see cref="InsertAllAsync"/>); this only spares a duplicate its rate-limit turn.
    /// </summary>
    public static async Task<HashSet<(Guid SurveyId, int Attempt)>> RecordedAsync(DbConnection connection, SqlDialect dialect, IEnumerable<Guid> surveyIds) =>
        (await connection.QueryAsync<Delivery>(
            $"SELECT survey_id AS SurveyId, attempt AS Attempt FROM deliveries WHERE {dialect.InGuids("survey_id", surveyIds.Distinct())}"))
        .Select(d => (d.SurveyId, d.Attempt)).ToHashSet();

    /// <summary>
    /// Inserts a row per attempt, in one statement per <see cref="SqlDialect.RowsPerStatement"/> rows, and returns the ids
    /// of those inserted: an attempt that has a row already (another copy of its message got there first) is left alone.
    /// A claimed row also takes the real time its lease starts (<see cref="LeaseClock"/>); a claimed or deferred one keeps its request.
    /// </summary>
    public static async Task<HashSet<Guid>> InsertAllAsync(DbSession session, IReadOnlyList<NewDelivery> rows)
    {
        var inserted = new HashSet<Guid>();
        const string InsertedColumns = """
            id, survey_id, attempt, channel, recipient, locale, status, claim_id, claimed_at,
            lease_started_at, failure_reason, request, expires_at, next_attempt_at, defer_reason,
            provider_error_code, deferrals, created_at, updated_at
            """;
        const string SelectedValues = """
            id, survey_id, attempt, channel, recipient, locale, status, claim_id, CASE WHEN claim_id IS NULL THEN NULL ELSE @now END,
            lease_started_at, failure_reason, request, expires_at, next_attempt_at, defer_reason,
            provider_error_code, deferrals, @now, @now
            """;
        foreach (var chunk in rows.Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = session.Dialect.Rows("fresh", chunk,
                RowColumn.Of<NewDelivery, Guid>("id", r => r.Id),
                RowColumn.Of<NewDelivery, Guid>("survey_id", r => r.Due.SurveyId),
                RowColumn.Of<NewDelivery, int>("attempt", r => r.Due.Attempt),
                RowColumn.Of<NewDelivery, string>("channel", r => r.Channel),
                RowColumn.Of<NewDelivery, string>("recipient", r => r.Recipient),
                RowColumn.Of<NewDelivery, string>("locale", r => r.Locale),
                RowColumn.Of<NewDelivery, string>("status", r => r.Status),
                RowColumn.Of<NewDelivery, Guid?>("claim_id", r => r.ClaimId),
                RowColumn.Of<NewDelivery, DateTimeOffset?>("lease_started_at", r => r.ClaimId is null ? null : r.LeaseStartedAt),
                RowColumn.Of<NewDelivery, string?>("failure_reason", r => r.FailureReason),
                RowColumn.Of<NewDelivery, string?>("request", r => r.ClaimId is not null || r.Deferral is not null ? r.Request : null),
                RowColumn.Of<NewDelivery, DateTimeOffset>("expires_at", r => r.Due.ExpiresAt),
                RowColumn.Of<NewDelivery, DateTimeOffset?>("next_attempt_at", r => r.Deferral?.NextAttemptAt),
                RowColumn.Of<NewDelivery, string?>("defer_reason", r => r.Deferral?.Reason),
                RowColumn.Of<NewDelivery, string?>("provider_error_code", r => r.Deferral?.ProviderErrorCode),
                RowColumn.Of<NewDelivery, int>("deferrals", r => r.Deferral is null ? 0 : 1));
            parameters.Add("now", session.Clock.GetUtcNow());
            inserted.UnionWith(await session.QueryAsync<Guid>(session.Dialect.IsSqlServer
                ? $"""
                  WITH {table}
                  INSERT INTO deliveries ({InsertedColumns}) OUTPUT inserted.id
                  SELECT {SelectedValues} FROM fresh
                  WHERE NOT EXISTS (SELECT 1 FROM deliveries d WITH (UPDLOCK, HOLDLOCK) WHERE d.survey_id = fresh.survey_id AND d.attempt = fresh.attempt)
                  """
                // WHERE true: SQLite needs it to tell the SELECT from the upsert's ON CONFLICT.
                : $"""
                  WITH {table}
                  INSERT INTO deliveries ({InsertedColumns})
                  SELECT {SelectedValues} FROM fresh WHERE true
                  ON CONFLICT (survey_id, attempt) DO NOTHING
                  RETURNING id
                  """,
                parameters));
        }
        return inserted;
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

    /// <summary>
    /// Settles sends the provider took, one statement per <see cref="SqlDialect.RowsPerStatement"/> rows, and returns the
    /// ids of those we still held (as <see cref="SettleAsync"/> does one by one).
    /// </summary>
    public static async Task<HashSet<Guid>> SettleAllTakenAsync(DbSession session, IReadOnlyList<TakenDelivery> taken)
    {
        var settled = new HashSet<Guid>();
        foreach (var chunk in taken.Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = session.Dialect.Rows("taken", chunk,
                RowColumn.Of<TakenDelivery, Guid>("delivery_id", t => t.Id),
                RowColumn.Of<TakenDelivery, Guid>("held_by", t => t.ClaimId),
                RowColumn.Of<TakenDelivery, string>("new_status", t => t.Status),
                RowColumn.Of<TakenDelivery, string>("message_id", t => t.ProviderMessageId));
            parameters.Add("now", session.Clock.GetUtcNow());
            const string Set = """
                status = taken.new_status, claim_id = NULL, request = NULL, provider_message_id = taken.message_id,
                failure_reason = NULL, provider_error_code = NULL, sent_at = @now, next_attempt_at = NULL, updated_at = @now
                """;
            settled.UnionWith(await session.QueryAsync<Guid>(session.Dialect.IsSqlServer
                ? $"""
                  WITH {table}
                  UPDATE d SET {Set}
                  OUTPUT inserted.id
                  FROM deliveries AS d JOIN taken ON d.id = taken.delivery_id AND d.claim_id = taken.held_by
                  """
                : $"""
                  WITH {table}
                  UPDATE deliveries SET {Set}
                  FROM taken WHERE deliveries.id = taken.delivery_id AND deliveries.claim_id = taken.held_by
                  RETURNING id
                  """,
                parameters));
        }
        return settled;
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

/// <summary>A row <see cref="Deliveries.InsertAllAsync"/> writes for an attempt: failed, deferred (with its <paramref name="Deferral"/>) or claimed.</summary>
public sealed record NewDelivery(Guid Id, SurveyDue Due, string Channel, string Recipient, string Locale, string Status,
    Guid? ClaimId = null, DateTimeOffset? LeaseStartedAt = null, string? FailureReason = null, string? Request = null, Deferral? Deferral = null);

/// <summary>A claimed send the provider took, as <see cref="Deliveries.SettleAllTakenAsync"/> settles it.</summary>
public sealed record TakenDelivery(Guid Id, Guid ClaimId, string Status, string ProviderMessageId);

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
/// Claims this process holds right now: their provider call is running, or has returned and its outcome waits to be
/// recorded with the rest of its batch. The sweeper leaves them alone even once their lease has run out (a slow call,
/// a long batch): the call may still succeed, and its outcome settles its own claim.
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
