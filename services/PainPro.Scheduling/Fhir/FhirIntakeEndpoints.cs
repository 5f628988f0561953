using Dapper;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PainPro.Fhir;
using PainPro.Scheduling.Enrollments;
using PainPro.Scheduling.Intake;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.OpenApi;

namespace PainPro.Scheduling.Fhir;

/// <summary>
/// <c>POST /fhir/r4</c>: a transaction Bundle of Patient + Procedure (+ baseline pain Observation) registers the
/// procedure exactly as <c>POST /api/procedures</c> does — same validation, same idempotency on the external id (the
/// Procedure's identifier), same 409 — or, for a Procedure not done or entered in error, cancels its enrollment.
/// Answers a transaction-response Bundle, or an OperationOutcome.
/// </summary>
public static class FhirIntakeEndpoints
{
    public const string Path = "/fhir/r4";

    public static void MapFhirIntake(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, TransactionAsync)
            .RequireAuthorization(PainProAuth.IntegrationPolicy)
            .WithSummary("A FHIR R4 transaction Bundle (Patient, Procedure, optional baseline Observation): registers or cancels the procedure.")
            .DescribesBody(FhirJson.MediaType)
            .Produces<string>(StatusCodes.Status200OK, FhirJson.MediaType)
            .Produces(StatusCodes.Status400BadRequest, contentType: FhirJson.MediaType)
            .Produces(StatusCodes.Status409Conflict, contentType: FhirJson.MediaType)
            .WithTags("fhir");

    private static async Task<IResult> TransactionAsync(
        HttpRequest http, ProcedureBundleReader reader, RegistrationValidator validator, EnrollmentRegistrar registrar,
        EnrollmentChanges changes, SchedulingDb db, ILoggerFactory loggers, CancellationToken ct)
    {
        var (bundle, error) = await FhirJson.ReadAsync<Bundle>(http, ct);
        if (error is not null) return error;

        var (read, problems) = reader.Read(bundle!);
        if (read is null) return Invalid(problems);

        if (read.Action == BundleAction.Cancel) return await CancelAsync(read, changes, db, ct);

        var validation = validator.Validate(read.Request);
        if (validation.Registration is not { } registration)
            return Invalid(validation.Errors!.SelectMany(e => e.Value.Select(message =>
                new BundleProblem(ProcedureBundleReader.ExpressionOfField.GetValueOrDefault(e.Key, e.Key), message))));

        var outcome = await registrar.RegisterAsync(db, registration, ct);
        if (outcome.Result == RegistrationResult.Conflict)
            return FhirResults.Outcome(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict,
                outcome.ConflictDetail(registration.ExternalId), "Procedure.identifier");

        var created = outcome.Result == RegistrationResult.Created;
        if (created)
            loggers.CreateLogger(typeof(FhirIntakeEndpoints)).LogInformation(
                "Enrolled {EnrollmentId} ({ProcedureType}) from a FHIR transaction", outcome.EnrollmentId, registration.ProcedureType);
        return FhirResults.Resource(Response(read.Entries, outcome.PatientId, outcome.EnrollmentId, created));
    }

    private static async Task<IResult> CancelAsync(ProcedureBundle read, EnrollmentChanges changes, SchedulingDb db, CancellationToken ct)
    {
        var externalId = read.Request.ExternalId?.Trim();
        if (string.IsNullOrEmpty(externalId))
            return Invalid([new BundleProblem("Procedure.identifier", "externalId is required.")]);
        if (read.CancelReason.Length > 200)
            return Invalid([new BundleProblem("Procedure.statusReason", "reason is longer than 200 characters.")]);

        return await db.InTransactionAsync<IResult>(async session =>
        {
            var enrollment = await session.QuerySingleOrDefaultAsync<RegisteredProcedure>(
                """
                SELECT e.id AS EnrollmentId, e.patient_id AS PatientId, p.mrn AS Mrn
                FROM enrollments e JOIN patients p ON p.id = e.patient_id
                WHERE e.external_id = @externalId
                """, new { externalId });
            if (enrollment is null)
                return FhirResults.Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound,
                    $"No procedure with identifier '{externalId}' is registered; there is nothing to cancel.", "Procedure.identifier");
            var mrn = read.Request.Patient?.Mrn?.Trim();
            if (!string.IsNullOrEmpty(mrn) && mrn != enrollment.Mrn)
                return FhirResults.Outcome(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict,
                    $"Procedure '{externalId}' is registered for another patient (MRN differs); nothing was cancelled.", "Patient.identifier");

            // The same path as POST /api/enrollments/{id}/cancel: cancelling twice answers like the first time.
            await changes.CancelAsync(session, enrollment.EnrollmentId, read.CancelReason);
            return FhirResults.Resource(Response(read.Entries, enrollment.PatientId, enrollment.EnrollmentId, created: false));
        }, ct);
    }

    /// <summary>One response entry per request entry, in order (FHIR transaction rules).</summary>
    private static Bundle Response(IEnumerable<Bundle.EntryComponent> entries, Guid patientId, Guid enrollmentId, bool created) => new()
    {
        Type = Bundle.BundleType.TransactionResponse,
        Entry = [.. entries.Select(entry => new Bundle.EntryComponent
        {
            Response = entry.Resource switch
            {
                // The patient is matched on the MRN and its details updated: an update, whoever it is.
                Patient => new Bundle.ResponseComponent { Status = "200 OK", Location = $"Patient/{patientId}" },
                Procedure => new Bundle.ResponseComponent { Status = created ? "201 Created" : "200 OK", Location = $"Procedure/{enrollmentId}" },
                // The baseline is kept on the enrollment, not as a resource of its own.
                _ => new Bundle.ResponseComponent { Status = created ? "201 Created" : "200 OK" },
            },
        })],
    };

    private static IResult Invalid(IEnumerable<BundleProblem> problems)
    {
        var outcome = new OperationOutcome();
        foreach (var problem in problems)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Invalid,
                Diagnostics = problem.Message,
                Expression = [problem.Expression],
            });
        return FhirResults.Outcome(StatusCodes.Status400BadRequest, outcome);
    }

    private sealed class RegisteredProcedure
    {
        public Guid EnrollmentId { get; init; }
        public Guid PatientId { get; init; }
        public string Mrn { get; init; } = "";
    }
}

public static class FhirIntakeRegistration
{
    public static IHostApplicationBuilder AddFhirIntake(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FhirOptions>().BindConfiguration(FhirOptions.Section);
        builder.Services.AddSingleton<ProcedureBundleReader>();
        return builder;
    }
}
