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
        await transaction.CommitAsync(ct);
        if (session.PublishedCount > 0) outboxSignal.Committed(this, session.Published);
        session.RunCommitted();
        return result;
    }

    public Task InTransactionAsync(Func<DbSession, Task> work, CancellationToken ct = default) =>
        InTransactionAsync<bool>(async session => { await work(session); return true; }, ct);
}

/// <summary>A connection and its open transaction, with the outbox and inbox at hand.</summary>
public sealed class DbSession(DbConnection connection, DbTransaction transaction, SqlDialect dialect, TimeProvider clock)
{
    public DbConnection Connection { get; } = connection;
    public DbTransaction Transaction { get; } = transaction;
    public SqlDialect Dialect { get; } = dialect;
    public TimeProvider Clock { get; } = clock;
    private readonly List<object> published = [];
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

    public Task<int> ExecuteAsync(string sql, object? param = null) =>
        Connection.ExecuteAsync(sql, param, Transaction);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(sql, param, Transaction);

    public Task<T> ExecuteScalarAsync<T>(string sql, object? param = null) =>
        Connection.ExecuteScalarAsync<T>(sql, param, Transaction)!;

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null) =>
        Connection.QueryAsync<T>(sql, param, Transaction);

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
