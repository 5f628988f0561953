using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// Tells a database that cannot be reached (or is too busy to answer) from a bug: the first is worth repeating the
/// request for, the second is not.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>What a client is told to wait before repeating the request.</summary>
    public const int RetryAfterSeconds = 5;

    private const int SqliteBusy = 5;    // SQLITE_BUSY: another connection holds the write lock past the busy timeout
    private const int SqliteLocked = 6;  // SQLITE_LOCKED: a conflict inside one connection's shared cache

    /// <summary>
    /// SQL Server errors that mean "cannot be reached now", not "this statement is wrong": network errors (-2 timeout,
    /// 2, 53, 64, 121, 232, 258, 10053, 10054, 10060, 11001), the database or server unavailable or starting (233, 4060,
    /// 40613, 40197, 40501, 49918, 49919, 49920 — Azure SQL's reconfiguration and throttling), deadlock victim (1205),
    /// and a transaction log or tempdb momentarily full of versions (3960 is an update conflict, left out: a bug here).
    /// </summary>
    private static readonly HashSet<int> SqlServerTransient =
        [-2, 2, 53, 64, 121, 232, 233, 258, 1205, 4060, 10053, 10054, 10060, 11001, 40197, 40501, 40613, 49918, 49919, 49920];

    /// <summary>
    /// True for a lost or refused PostgreSQL or SQL Server connection (any socket error) and the server's own transient states (shutting down, starting,
    /// too many connections; Npgsql's <see cref="NpgsqlException.IsTransient"/>), a busy or locked SQLite file, and a
    /// timeout such as an exhausted connection pool's, wherever it sits in the chain of inner exceptions.
    /// </summary>
    public static bool IsOutage(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqlException sql && sql.Errors.Cast<SqlError>().Any(error => SqlServerTransient.Contains(error.Number)))
                return true;
            // A socket error anywhere in the chain is the network's: SqlClient's managed SNI (Linux) reports a refused
            // connection as error 35 around one.
            if (e is NpgsqlException { IsTransient: true }
                or SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }
                or TimeoutException
                or System.Net.Sockets.SocketException)
                return true;
        }
        return false;
    }
}
