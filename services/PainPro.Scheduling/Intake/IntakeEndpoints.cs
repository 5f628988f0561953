using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

        // The body is read by hand (to name a malformed field), so its type is declared here.
        procedures.MapPost("", RegisterAsync)
            .Accepts<ProcedureRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        procedures.MapPost("/import", ImportAsync)
            .Accepts<string>("text/csv")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        procedures.MapGet("/imports/{importId:guid}", async Task<Results<Ok<ImportStatus>, NotFound>> (Guid importId, CsvImportJobs imports, CancellationToken ct) =>
            await imports.GetAsync(importId, ct) is { } status ? TypedResults.Ok(status) : TypedResults.NotFound());
    }

    private static async Task<Results<Created<EnrollmentView>, Ok<EnrollmentView>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        HttpRequest http, RegistrationValidator validator, EnrollmentRegistrar registrar, SchedulingDb db,
        IOptions<JsonOptions> json, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!http.HasJsonContentType())
            return TypedResults.Problem("Send the procedure as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);

        ProcedureRequest? body;
        try { body = await http.ReadFromJsonAsync<ProcedureRequest>(json.Value.SerializerOptions, ct); }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [field] = [field.Length == 0
                    ? "The body is not valid JSON."
                    : $"{field} has the wrong type or is malformed (instants and names are strings, baseline.vas a whole number)."],
            });
        }

        var validation = validator.Validate(body);
        if (validation.Registration is not { } registration) return TypedResults.ValidationProblem(validation.Errors!);

        var outcome = await registrar.RegisterAsync(db, registration, ct);
        if (outcome.Result == RegistrationResult.Conflict)
            return TypedResults.Problem(
                title: "External id already registered",
                detail: outcome.ConflictDetail(registration.ExternalId),
                statusCode: StatusCodes.Status409Conflict);

        var view = await db.ReadAsync(c => EnrollmentQueries.GetAsync(c, outcome.EnrollmentId), ct);
        if (outcome.Result == RegistrationResult.Created)
        {
            loggers.CreateLogger(typeof(IntakeEndpoints)).LogInformation(
                "Enrolled {EnrollmentId} ({ProcedureType}) with {Surveys} surveys", outcome.EnrollmentId, registration.ProcedureType, view!.Surveys.Count);
            return TypedResults.Created($"/api/enrollments/{outcome.EnrollmentId}", view);
        }
        return TypedResults.Ok(view!);
    }

    /// <summary>
    /// A file of up to <see cref="SchedulingOptions.ImportSynchronousRowLimit"/> rows is imported at once (200 with
    /// every row's result, as always); a larger one, or any file sent with <c>Prefer: respond-async</c>, becomes a
    /// background job: 202 with its status and <c>Location: /api/procedures/imports/{id}</c> to poll.
    /// </summary>
    private static async Task<Results<Ok<ImportReport>, Accepted<ImportStatus>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        HttpRequest http, CsvImporter importer, CsvImportJobs imports, IOptions<SchedulingOptions> options, CancellationToken ct)
    {
        var mediaType = http.ContentType is { } contentType ? contentType.Split(';')[0].Trim() : "";
        if (!mediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem("Send the file as text/csv, one procedure per row under a header row.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);

        // Read twice (counted, then imported) and, when large, kept for its background job.
        using var upload = new MemoryStream();
        await http.Body.CopyToAsync(upload, ct);
        upload.Position = 0;
        var (missing, rows) = await CsvImporter.SurveyAsync(upload, ct);
        if (missing.Count > 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["header"] = [$"The header lacks the required columns: {string.Join(", ", missing)}. Columns: {string.Join(",", CsvImporter.Columns)}."],
            });

        var preferAsync = http.Headers["Prefer"].Any(p => p?.Contains("respond-async", StringComparison.OrdinalIgnoreCase) == true);
        if (rows > options.Value.ImportSynchronousRowLimit || preferAsync)
        {
            var importId = await imports.SubmitAsync(upload.ToArray(), rows, ct);
            return TypedResults.Accepted($"/api/procedures/imports/{importId}", (await imports.GetAsync(importId, ct))!);
        }

        upload.Position = 0;
        var result = await importer.ImportAsync(upload, ct);
        return TypedResults.Ok(result.Report);
    }
}
