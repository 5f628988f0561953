using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Scheduling.Enrollments;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Scheduling.Intake;

/// <summary>REST intake (DESIGN §9): integration engines register procedures, one by one or as a CSV file.</summary>
public static class IntakeEndpoints
{
    public static void MapIntake(this IEndpointRouteBuilder app)
    {
        var procedures = app.MapGroup("/api/procedures")
            .RequireAuthorization(PainProAuth.IntegrationPolicy)
            .WithTags("intake");

        procedures.MapPost("", RegisterAsync)
            .Accepts<ProcedureRequest>("application/json")
            .Produces<EnrollmentView>(StatusCodes.Status201Created)
            .Produces<EnrollmentView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        procedures.MapPost("/import", ImportAsync)
            .Accepts<string>("text/csv")
            .Produces<ImportReport>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<IResult> RegisterAsync(
        HttpRequest http, RegistrationValidator validator, EnrollmentRegistrar registrar, SchedulingDb db,
        IOptions<JsonOptions> json, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!http.HasJsonContentType())
            return Results.Problem("Send the procedure as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);

        ProcedureRequest? body;
        try { body = await http.ReadFromJsonAsync<ProcedureRequest>(json.Value.SerializerOptions, ct); }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "";
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                [field] = [field.Length == 0
                    ? "The body is not valid JSON."
                    : $"{field} has the wrong type or is malformed (instants and names are strings, baseline.vas a whole number)."],
            });
        }

        var validation = validator.Validate(body);
        if (validation.Registration is not { } registration) return Results.ValidationProblem(validation.Errors!);

        var outcome = await registrar.RegisterAsync(db, registration, ct);
        if (outcome.Result == RegistrationResult.Conflict)
            return Results.Problem(
                title: "External id already registered",
                detail: outcome.ConflictDetail(registration.ExternalId),
                statusCode: StatusCodes.Status409Conflict);

        var view = await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, outcome.EnrollmentId), ct);
        if (outcome.Result == RegistrationResult.Created)
        {
            loggers.CreateLogger(typeof(IntakeEndpoints)).LogInformation(
                "Enrolled {EnrollmentId} ({ProcedureType}) with {Surveys} surveys", outcome.EnrollmentId, registration.ProcedureType, view!.Surveys.Count);
            return Results.Created($"/api/enrollments/{outcome.EnrollmentId}", view);
        }
        return Results.Ok(view);
    }

    private static async Task<IResult> ImportAsync(HttpRequest http, CsvImporter importer, CancellationToken ct)
    {
        var mediaType = http.ContentType is { } contentType ? contentType.Split(';')[0].Trim() : "";
        if (!mediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase))
            return Results.Problem("Send the file as text/csv, one procedure per row under a header row.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);

        var result = await importer.ImportAsync(http.Body, ct);
        return result.MissingColumns.Count > 0
            ? Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["header"] = [$"The header lacks the required columns: {string.Join(", ", result.MissingColumns)}. Columns: {string.Join(",", CsvImporter.Columns)}."],
            })
            : Results.Ok(result.Report);
    }
}
