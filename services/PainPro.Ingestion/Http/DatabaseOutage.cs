using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PainPro.Ingestion.Http;

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

/// <summary>
/// Answers <c>503 Service Unavailable</c> with <c>Retry-After</c> and a short problem-details body, instead of a 500,
/// when an endpoint fails because the database is unreachable. Twilio calls the number's fallback URL on a 5xx;
/// browsers and integration clients may repeat the request. Anything else still fails as before.
/// </summary>
public sealed class DatabaseOutageFilter(ILogger<DatabaseOutageFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception exception) when (DatabaseOutage.IsOutage(exception) && !context.HttpContext.Response.HasStarted)
        {
            // The endpoint's route pattern, never the path: a survey link's path carries its token.
            logger.LogWarning("Database unavailable; {Endpoint} answered 503 ({ErrorType}: {Error})",
                context.HttpContext.GetEndpoint()?.DisplayName, exception.GetType().Name, exception.Message);
            context.HttpContext.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The service's database is unavailable.",
                detail: $"Try again in {DatabaseOutage.RetryAfterSeconds} seconds.");
        }
    }
}
