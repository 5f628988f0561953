using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults;

/// <summary>
/// Answers <c>503 Service Unavailable</c> with <c>Retry-After</c> and a short problem-details body, instead of a 500,
/// when a request fails because the database is unreachable: Twilio then calls the number's fallback URL, browsers
/// and integration clients may repeat the request. Anything else still fails as a 500.
/// </summary>
internal sealed class DatabaseOutageHandler(IProblemDetailsService problems, ILogger<DatabaseOutageHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!DatabaseOutage.IsOutage(exception) || context.Response.HasStarted) return false;

        // The endpoint's route pattern, never the path: a survey link's path carries its token.
        logger.LogWarning("Database unavailable; {Endpoint} answered 503 ({ErrorType}: {Error})",
            context.GetEndpoint()?.DisplayName, exception.GetType().Name, exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service's database is unavailable.",
                Detail = $"Try again in {DatabaseOutage.RetryAfterSeconds} seconds.",
            },
        });
    }
}
