using System.Data;
using System.Data.Common;
using System.Reflection;
using Dapper;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// One service's own store. Each service derives a small sealed type from this
/// (<c>SchedulingDb</c>, <c>IngestionDb</c>, …) so handlers and consumers ask for exactly their database.
/// </summary>
public abstract class ServiceDatabase(string schema, DatabaseConnector connector, OutboxSignal outboxSignal, TimeProvider clock)
{
    /// <summary>The schema (PostgreSQL) or file name (SQLite) this service owns.</summary>
    public string Schema { get; } = schema;

    public SqlDialect Dialect => connector.Dialect;

    public TimeProvider Clock => clock;

    /// <summary>The assembly whose embedded <c>migrations/{dialect}/NNNN_name.sql</c> build this schema.</summary>
    public virtual Assembly MigrationsAssembly => GetType().Assembly;

    public Task<DbConnection> OpenAsync(CancellationToken ct = default) => connector.OpenAsync(Schema, ct);

    public string Describe() => connector.Describe(Schema);

    /// <summary>For the migration runner, which runs before start-up lets other connections through.</summary>
    internal Task<DbConnection> OpenForMigrationAsync(CancellationToken ct) => connector.OpenUngatedAsync(Schema, ct);

    internal string DescribeServer() => connector.DescribeServer();

    /// <summary>SQL Server: a connection as the operator's login, for the migration runner.</summary>
    internal async Task<DbConnection> OpenOwnerAsync(CancellationToken ct) => await connector.OpenSqlServerOwnerAsync(ct);

    /// <summary>Runs a read on its own connection.</summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await read(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction. Messages it publishes go to the outbox in the same
    /// transaction and are relayed only after commit: nothing leaves from an uncommitted change.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var session = new DbSession(connection, transaction, Dialect, clock);
        var result = await work(session);
        await session.FlushAsync();
        await transaction.CommitAsync(ct);
        if (session.PublishedCount > 0) outboxSignal.Committed(this, session.Published);
        session.RunCommitted();
        return result;
    }

    public Task InTransactionAsync(Func<DbSession, Task> work, CancellationToken ct = default) =>
        InTransactionAsync<bool>(async session => { await work(session); return true; }, ct);
}

/// <summary>A connection and its open transaction, with the outbox and inbox at hand.</summary>
/// <remarks>
/// Writes whose outcome the caller does not need (<see cref="Write"/>, and every message published) wait, on PostgreSQL,
/// for the session's next statement and travel with it in one round trip — or with the last ones before the commit.
/// Every statement of the session sends them first, so reads see them; a failing one fails the statement it travels
/// with. Run statements through the session, never on <see cref="Connection"/> directly.
/// </remarks>
public sealed class DbSession(DbConnection connection, DbTransaction transaction, SqlDialect dialect, TimeProvider clock)
{
    public DbConnection Connection { get; } = connection;
    public DbTransaction Transaction { get; } = transaction;
    public SqlDialect Dialect { get; } = dialect;
    public TimeProvider Clock { get; } = clock;
    private readonly List<object> published = [];
    private readonly PendingWrites? pending = dialect.IsPostgres && connection.CanCreateBatch ? new PendingWrites() : null;
    private List<Action>? committed;

    internal int PublishedCount => published.Count;

    /// <summary>The messages this transaction wrote to its outbox, in order.</summary>
    internal IReadOnlyList<object> Published => published;

    /// <summary>Runs <paramref name="action"/> once this transaction has committed (never if it rolls back): counting a fact, say.</summary>
    public void OnCommitted(Action action) => (committed ??= []).Add(action);

    internal void RunCommitted()
    {
        if (committed is null) return;
        foreach (var action in committed) action();
    }

    /// <summary>
    /// A write whose row count nobody reads: on PostgreSQL it goes with the session's next statement (or the commit) in
    /// the same round trip; elsewhere at once. <paramref name="param"/> is an object whose properties name the parameters.
    /// </summary>
    public Task Write(string sql, object? param = null) =>
        pending is not null && pending.TryAdd(sql, param) ? Task.CompletedTask : ExecuteAsync(sql, param);

    /// <summary>Sends the writes still waiting (<see cref="Write"/>); the commit does this itself.</summary>
    internal Task FlushAsync() => pending is { Count: > 0 } ? pending.SendAsync(Connection, Transaction, last: null) : Task.CompletedTask;

    public async Task<int> ExecuteAsync(string sql, object? param = null)
    {
        // The waiting writes and this statement in one round trip, when this statement's parameters allow it.
        if (pending is { Count: > 0 } && PendingWrites.CanBind(param)) return await pending.SendAsync(Connection, Transaction, last: (sql, param));
        await FlushAsync();
        return await Connection.ExecuteAsync(sql, param, Transaction);
    }

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null)
    {
        await FlushAsync();
        return await Connection.QuerySingleOrDefaultAsync<T>(sql, param, Transaction);
    }

    public async Task<T> ExecuteScalarAsync<T>(string sql, object? param = null)
    {
        await FlushAsync();
        return (await Connection.ExecuteScalarAsync<T>(sql, param, Transaction))!;
    }

    public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await FlushAsync();
        return await Connection.QueryAsync<T>(sql, param, Transaction);
    }

    /// <summary>Several statements' results in one round trip (read them in order, then dispose the reader).</summary>
    public async Task<SqlMapper.GridReader> QueryMultipleAsync(string sql, object? param = null)
    {
        await FlushAsync();
        return await Connection.QueryMultipleAsync(sql, param, Transaction);
    }

    /// <summary>Queues a message in the outbox, inside this transaction.</summary>
    public async Task PublishAsync<T>(T message) where T : class
    {
        await Outbox.WriteAsync(this, message, typeof(T));
        published.Add(message);
    }

    /// <summary>
    /// Queues several messages in the outbox, inside this transaction, with one multi-row insert (per
    /// <see cref="SqlDialect.RowsPerStatement"/> rows) instead of one per message. Their ids, and so the relay's
    /// order, follow the order given. Only PainPro.Contracts messages are accepted; one that is not fails the call
    /// before anything is written.
    /// </summary>
    public async Task PublishAllAsync(IEnumerable<object> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<object> ?? [.. messages];
        await Outbox.WriteAllAsync(this, list);
        published.AddRange(list);
    }

    /// <summary>
    /// Records that <paramref name="consumer"/> handled <paramref name="messageId"/>.
    /// False means it already had: the caller must change nothing.
    /// </summary>
    public Task<bool> TryRecordInboxAsync(string consumer, Guid messageId) => Inbox.TryRecordAsync(this, consumer, messageId);
}
