using Microsoft.AspNetCore.Http;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Enrollments;

/// <summary>Whether Ingestion has heard of an enrollment (its <c>EnrollmentCreated</c>, or a survey of it), for the per-enrollment APIs.</summary>
public static class KnownEnrollments
{
    /// <summary>Null when the enrollment is known; otherwise the 404 to answer.</summary>
    public static async Task<IResult?> NotFoundUnlessKnownAsync(DbSession session, Guid id)
    {
        var known = await session.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM enrollments WHERE id = @id) + (SELECT COUNT(*) FROM surveys WHERE enrollment_id = @id)", new { id });
        return known > 0 ? null : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such enrollment.",
            detail: $"Ingestion has no enrollment {id}.");
    }
}
