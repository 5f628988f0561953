using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

        enrollments.MapGet("/{id:guid}", async Task<Results<Ok<EnrollmentView>, ProblemHttpResult>> (Guid id, SchedulingDb db, CancellationToken ct) =>
            await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, id), ct) is { } view
                ? TypedResults.Ok(view)
                : NotFound(id))
            .ProducesProblem(StatusCodes.Status404NotFound);

        enrollments.MapGet("", ListAsync);
        // Bodies are optional and read by hand (none at all is fine), so their types are declared here.
        enrollments.MapPatch("/{id:guid}", RescheduleAsync)
            .Accepts<RescheduleRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        enrollments.MapPost("/{id:guid}/cancel", CancelAsync)
            .Accepts<CancelRequest>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<Results<Ok<IReadOnlyList<EnrollmentListItem>>, ValidationProblem>> ListAsync(string? procedureType, string? from, string? to, SchedulingDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var fromAt = ParseBound(from, "from", endOfDay: false, errors);
        var toAt = ParseBound(to, "to", endOfDay: true, errors);
        if (fromAt > toAt) errors["to"] = ["to is before from."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var type = string.IsNullOrWhiteSpace(procedureType) ? null : ProcedureTypes.Normalize(procedureType);
        return TypedResults.Ok(await db.ReadAsync(c => EnrollmentQueries.ListAsync(c, type, fromAt, toAt), ct));
    }

    private static async Task<Results<Ok<EnrollmentView>, ValidationProblem, ProblemHttpResult>> RescheduleAsync(
        Guid id, HttpRequest http, RegistrationValidator validator, EnrollmentChanges changes, SchedulingDb db,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (request, malformed, unsupported) = await ReadJsonAsync<RescheduleRequest>(http, json.Value.SerializerOptions, ct);
        if (malformed is not null) return malformed;
        if (unsupported is not null) return unsupported;
        if (!validator.TryValidatePerformedAt(request?.PerformedAt, "performedAt", out var performedAt, out var errors))
            return TypedResults.ValidationProblem(errors);

        return await db.InTransactionAsync(s => changes.RescheduleAsync(s, id, performedAt), ct) switch
        {
            ChangeResult.NotFound => NotFound(id),
            ChangeResult.Cancelled => TypedResults.Problem(
                detail: $"Enrollment {id} is cancelled; its schedule no longer changes.", statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Ok((await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, id), ct))!),
        };
    }

    private static async Task<Results<Ok<EnrollmentView>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        Guid id, HttpRequest http, EnrollmentChanges changes, SchedulingDb db, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (request, malformed, unsupported) = await ReadJsonAsync<CancelRequest>(http, json.Value.SerializerOptions, ct);
        if (malformed is not null) return malformed;
        if (unsupported is not null) return unsupported;
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? DefaultCancelReason : request.Reason.Trim();
        if (reason.Length > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["reason is longer than 200 characters."] });

        // Cancelling twice answers like the first time: the enrollment is cancelled either way.
        return await db.InTransactionAsync(s => changes.CancelAsync(s, id, reason), ct) == ChangeResult.NotFound
            ? NotFound(id)
            : TypedResults.Ok((await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, id), ct))!);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(detail: $"No enrollment {id}.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>An optional JSON body: none at all is fine, malformed JSON is a 400 naming the field.</summary>
    private static async Task<(T? Body, ValidationProblem? Malformed, ProblemHttpResult? Unsupported)> ReadJsonAsync<T>(HttpRequest http, JsonSerializerOptions options, CancellationToken ct)
        where T : class
    {
        if (http.ContentLength == 0 || (http.ContentLength is null && !http.Headers.TransferEncoding.Any())) return (null, null, null);
        if (!http.HasJsonContentType())
            return (null, null, TypedResults.Problem("Send the body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType));
        try { return (await http.ReadFromJsonAsync<T>(options, ct), null, null); }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "";
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [field] = [field.Length == 0 ? "The body is not valid JSON." : $"{field} has the wrong type or is malformed."],
            }), null);
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
