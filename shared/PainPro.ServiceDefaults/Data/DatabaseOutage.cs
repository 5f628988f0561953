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
    /// True for a lost or refused PostgreSQL connection and the server's own transient states (shutting down, starting,
    /// too many connections; Npgsql's <see cref="NpgsqlException.IsTransient"/>), a busy or locked SQLite file, and a
    /// timeout such as an exhausted connection pool's, wherever it sits in the chain of inner exceptions.
    /// </summary>
    public static bool IsOutage(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true }
                or SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }
                or TimeoutException)
                return true;
        }
        return false;
    }
}
