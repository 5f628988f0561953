using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PainPro.Scheduling.Intake;
using PainPro.Scheduling.Protocols;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Scheduling.Enrollments;

public sealed record RescheduleRequest(string? PerformedAt);

/// <param name="Reason">Why: e.g. <c>procedure-cancelled</c>, <c>patient-deceased</c>, <c>withdrew</c>. Optional.</param>
public sealed record CancelRequest(string? Reason);

/// <summary>Reading an enrollment's schedule, rescheduling it and cancelling it (DESIGN §9).</summary>
public static class EnrollmentEndpoints
{
    public const string DefaultCancelReason = "cancelled";

    public static void MapEnrollments(this IEndpointRouteBuilder app)
    {
        var enrollments = app.MapGroup("/api/enrollments")
            .RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy)
            .WithTags("enrollments");

        enrollments.MapGet("/{id:guid}", async (Guid id, SchedulingDb db, CancellationToken ct) =>
            await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, id), ct) is { } view
                ? Results.Ok(view)
                : NotFound(id));

        enrollments.MapGet("", ListAsync);
        enrollments.MapPatch("/{id:guid}", RescheduleAsync);
        enrollments.MapPost("/{id:guid}/cancel", CancelAsync);
    }

    private static async Task<IResult> ListAsync(string? procedureType, string? from, string? to, SchedulingDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var fromAt = ParseBound(from, "from", endOfDay: false, errors);
        var toAt = ParseBound(to, "to", endOfDay: true, errors);
        if (fromAt > toAt) errors["to"] = ["to is before from."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var type = string.IsNullOrWhiteSpace(procedureType) ? null : ProcedureTypes.Normalize(procedureType);
        return Results.Ok(await db.ReadAsync(c => EnrollmentQueries.ListAsync(c, type, fromAt, toAt), ct));
    }

    private static async Task<IResult> RescheduleAsync(
        Guid id, HttpRequest http, RegistrationValidator validator, EnrollmentChanges changes, SchedulingDb db,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (request, problem) = await ReadJsonAsync<RescheduleRequest>(http, json.Value.SerializerOptions, ct);
        if (problem is not null) return problem;
        if (!validator.TryValidatePerformedAt(request?.PerformedAt, "performedAt", out var performedAt, out var errors))
            return Results.ValidationProblem(errors);

        return await db.InTransactionAsync(s => changes.RescheduleAsync(s, id, performedAt), ct) switch
        {
            ChangeResult.NotFound => NotFound(id),
            ChangeResult.Cancelled => Results.Problem(
                detail: $"Enrollment {id} is cancelled; its schedule no longer changes.", statusCode: StatusCodes.Status409Conflict),
            _ => Results.Ok(await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, id), ct)),
        };
    }

    private static async Task<IResult> CancelAsync(
        Guid id, HttpRequest http, EnrollmentChanges changes, SchedulingDb db, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (request, problem) = await ReadJsonAsync<CancelRequest>(http, json.Value.SerializerOptions, ct);
        if (problem is not null) return problem;
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? DefaultCancelReason : request.Reason.Trim();
        if (reason.Length > 200)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["reason is longer than 200 characters."] });

        // Cancelling twice answers like the first time: the enrollment is cancelled either way.
        return await db.InTransactionAsync(s => changes.CancelAsync(s, id, reason), ct) == ChangeResult.NotFound
            ? NotFound(id)
            : Results.Ok(await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, id), ct));
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(detail: $"No enrollment {id}.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>An optional JSON body: none at all is fine, malformed JSON is a 400 naming the field.</summary>
    private static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(HttpRequest http, JsonSerializerOptions options, CancellationToken ct)
        where T : class
    {
        if (http.ContentLength == 0 || (http.ContentLength is null && !http.Headers.TransferEncoding.Any())) return (null, null);
        if (!http.HasJsonContentType())
            return (null, Results.Problem("Send the body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType));
        try { return (await http.ReadFromJsonAsync<T>(options, ct), null); }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "";
            return (null, Results.ValidationProblem(new Dictionary<string, string[]>
            {
                [field] = [field.Length == 0 ? "The body is not valid JSON." : $"{field} has the wrong type or is malformed."],
            }));
        }
    }

    /// <summary>An ISO 8601 instant, or a date (its start for <c>from</c>, its end for <c>to</c>, in UTC).</summary>
    private static DateTimeOffset? ParseBound(string? text, string field, bool endOfDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(endOfDay ? TimeOnly.MaxValue : TimeOnly.MinValue), TimeSpan.Zero);
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            return instant;
        errors[field] = [$"'{text}' is not a date (yyyy-MM-dd) or an ISO 8601 date and time."];
        return null;
    }
}
