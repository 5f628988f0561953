using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PainPro.Scheduling.Enrollments;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Scheduling.Patients;

public sealed record PatientEnrollment(
    Guid EnrollmentId, string ProcedureType, string BodySite, string Facility, DateTimeOffset PerformedAt, string Status);

/// <summary><c>POST /api/patients/lookup</c>: the patients behind a page of the worklist.</summary>
public sealed record PatientLookupRequest(IReadOnlyList<Guid>? Ids);

/// <param name="Reachable">False when no channel is left (SMS failed or opted out and no email): nothing can be sent.</param>
/// <param name="EmailOptedOut">The patient used an email's unsubscribe link: no survey emails (issue 19).</param>
public sealed record PatientView(
    Guid PatientId,
    string Mrn,
    string GivenName,
    string FamilyName,
    string? Phone,
    string? Email,
    string PreferredChannel,
    string Locale,
    string? TimeZone,
    bool SmsOptedOut,
    bool Reachable,
    IReadOnlyList<PatientEnrollment> Enrollments,
    bool EmailOptedOut = false);

/// <summary>
/// Patient search and the patient page for the Portal. Every patient shown is audited (who, when): the signed-in
/// user, or with an API key the staff user the Portal names in <see cref="ActingUserHeader"/>.
/// </summary>
public static class PatientEndpoints
{
    public const string ActingUserHeader = "X-PainPro-Acting-User";
    public const int SearchLimit = 50;
    public const int MaxLookup = 200;

    public static void MapPatients(this IEndpointRouteBuilder app)
    {
        var patients = app.MapGroup("/api/patients")
            .RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy)
            .WithTags("patients");

        patients.MapGet("", async (string? q, HttpContext http, SchedulingDb db, CancellationToken ct) =>
        {
            var query = q?.Trim() ?? "";
            if (query.Length < 2)
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["q"] = ["Give at least 2 characters: an MRN (exact or its start), part of a name or a phone number."],
                });
            // Read and audit in one transaction: nothing is shown that is not audited.
            return Results.Ok(await db.InTransactionAsync(async s =>
            {
                var found = await PatientQueries.SearchAsync(s, query, SearchLimit);
                await PatientViewAudit.RecordAsync(s, found.Select(p => p.PatientId), PatientViewAudit.Search, ViewerOf(http));
                return found;
            }, ct));
        });

        // The worklist names the patients of a page of alerts in one call instead of one per alert.
        patients.MapPost("/lookup", async (PatientLookupRequest? request, HttpContext http, SchedulingDb db, CancellationToken ct) =>
        {
            var ids = request?.Ids?.Distinct().ToList() ?? [];
            if (ids.Count is 0 or > MaxLookup)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["ids"] = [$"Give 1 to {MaxLookup} patient ids."] });
            return Results.Ok(await db.InTransactionAsync(async s =>
            {
                var found = await PatientQueries.GetAsync(s, ids);
                await PatientViewAudit.RecordAsync(s, found.Select(p => p.PatientId), PatientViewAudit.List, ViewerOf(http));
                return found;
            }, ct));
        });

        patients.MapGet("/{id:guid}", async (Guid id, HttpContext http, SchedulingDb db, CancellationToken ct) =>
        {
            var found = await db.InTransactionAsync(async s =>
            {
                var patients = await PatientQueries.GetAsync(s, [id]);
                await PatientViewAudit.RecordAsync(s, patients.Select(p => p.PatientId), PatientViewAudit.View, ViewerOf(http));
                return patients;
            }, ct);
            return found.Count == 1
                ? Results.Ok(found[0])
                : Results.Problem(detail: $"No patient {id}.", statusCode: StatusCodes.Status404NotFound);
        });
    }

    /// <summary>
    /// Who is looking: a signed-in user by name; an integration client by its key's name, or, for the Portal, the
    /// staff user it acts for.
    /// </summary>
    internal static Viewer ViewerOf(HttpContext http)
    {
        var name = http.User.Identity?.Name ?? "unknown";
        if (!http.User.IsInRole(PainProAuth.IntegrationRole)) return new Viewer(name, null);
        var acting = http.Request.Headers[ActingUserHeader].ToString().Trim();
        return acting.Length > 0 ? new Viewer(acting[..Math.Min(acting.Length, 200)], name) : new Viewer(name, name);
    }
}
