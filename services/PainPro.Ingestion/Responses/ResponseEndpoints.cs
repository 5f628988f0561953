using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PainPro.Ingestion.Auditing;
using PainPro.Ingestion.Surveys;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Responses;

/// <summary>
/// One stored answer (DESIGN §9), with who entered it when staff did. <c>SupersededAt</c> is null for the item's current
/// answer and, on an earlier version, when a later answer replaced it.
/// </summary>
public sealed record ResponseView
{
    public Guid SurveyId { get; init; }
    public string Timepoint { get; init; } = "";
    public string Item { get; init; } = "";
    public int Value { get; init; }
    public string Source { get; init; } = "";
    public DateTimeOffset AnsweredAt { get; init; }
    public string? EnteredBy { get; init; }
    public DateTimeOffset? SupersededAt { get; init; }

    internal const string Select = """
        SELECT r.survey_id AS SurveyId, s.timepoint AS Timepoint, r.item AS Item, r.value AS Value, r.source AS Source,
               r.answered_at AS AnsweredAt, r.entered_by AS EnteredBy, r.superseded_at AS SupersededAt
        FROM responses r JOIN surveys s ON s.id = r.survey_id
        """;
}

public sealed record StaffAnswer(string? Item, int? Value);

public sealed record StaffResponsesRequest(IReadOnlyList<StaffAnswer>? Answers);

/// <summary>The survey after staff entered answers: its current answers.</summary>
public sealed record StaffResponsesResult(Guid SurveyId, string Status, bool Completed, IReadOnlyList<ResponseView> Responses);

/// <summary>
/// <c>GET /api/enrollments/{id}/responses</c> (every answer of an enrollment, each version of a revised one, in the order
/// given; the view is audited) and
/// <c>POST /api/surveys/{id}/responses</c> (answers a nurse collected by phone, marked <c>staff</c> with her name;
/// allowed after the window closed, since that is when a nurse calls a patient who did not answer).
/// </summary>
public static class ResponseEndpoints
{
    public static IEndpointRouteBuilder MapResponseApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/enrollments/{id:guid}/responses", ListAsync)
            .RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("responses");
        app.MapPost("/api/surveys/{id:guid}/responses", EnterAsync)
            .RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("responses");
        return app;
    }

    private static async Task<IResult> ListAsync(Guid id, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync(async session =>
        {
            if (await Enrollments.KnownEnrollments.NotFoundUnlessKnownAsync(session, id) is { } notFound) return notFound;
            var responses = await session.QueryAsync<ResponseView>(
                $"{ResponseView.Select} WHERE r.enrollment_id = @id ORDER BY r.answered_at, r.survey_id, r.item, r.id", new { id });
            await AuditLog.RecordAsync(session, actor.Name, actor.Via, AuditLog.ViewedResponses, enrollmentId: id);
            return Results.Ok(responses.ToList());
        }, ct);
    }

    private static async Task<IResult> EnterAsync(Guid id, StaffResponsesRequest? request, IngestionDb db, ResponseRecorder recorder,
        HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        if (!actor.IsPerson(http))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Answers are entered by a staff member.",
                detail: $"An integration client must name the staff member in {StaffActor.ActingUserHeader}.");

        return await db.InTransactionAsync(async session =>
        {
            var now = session.Clock.GetUtcNow();
            var locked = await session.ExecuteAsync("UPDATE surveys SET last_activity_at = @now WHERE id = @id", new { now, id });
            var survey = locked == 0 ? null : await session.QuerySingleOrDefaultAsync<SurveyRecord>(
                $"SELECT {SurveyRecord.Columns} FROM surveys WHERE id = @id", new { id });
            if (survey is null)
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such survey.", detail: $"Ingestion has no survey {id}.");

            var (answers, errors) = Validate(survey, request);
            if (errors.Count > 0) return Results.ValidationProblem(errors);

            var recorded = await recorder.RecordAsync(session, survey, answers, ResponseSources.Staff, actor.Name);
            await AuditLog.RecordAsync(session, actor.Name, actor.Via, AuditLog.EnteredResponses, survey.EnrollmentId, survey.Id,
                detail: string.Join(",", answers.Select(a => $"{a.Item}={a.Value}")));
            var responses = await session.QueryAsync<ResponseView>(
                $"{ResponseView.Select} WHERE r.survey_id = @id AND r.superseded_at IS NULL ORDER BY r.item", new { id });
            var status = await session.ExecuteScalarAsync<string>("SELECT status FROM surveys WHERE id = @id", new { id });
            return Results.Ok(new StaffResponsesResult(id, status, recorded.Completed, responses.ToList()));
        }, ct);
    }

    internal static (IReadOnlyList<Answer> Answers, Dictionary<string, string[]> Errors) Validate(SurveyRecord survey, StaffResponsesRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        var answers = new List<Answer>();
        if (request?.Answers is not { Count: > 0 })
        {
            errors["answers"] = ["Give at least one answer: {\"answers\":[{\"item\":\"vas\",\"value\":7}]}."];
            return (answers, errors);
        }
        var items = survey.ItemDefinitions.ToDictionary(item => item.Code);
        for (var i = 0; i < request.Answers.Count; i++)
        {
            var (item, value) = (request.Answers[i].Item, request.Answers[i].Value);
            var key = $"answers[{i}]";
            if (item is null || !items.TryGetValue(item, out var definition))
                errors[key] = [$"'{item}' is not an item of this survey; use one of: {string.Join(", ", items.Keys)}."];
            else if (value is null || !definition.Accepts(value.Value))
                errors[key] = [$"{item} takes a whole number from {definition.Min} to {definition.Max}."];
            else if (answers.Any(a => a.Item == item))
                errors[key] = [$"{item} is answered twice."];
            else
                answers.Add(new Answer(item, value.Value));
        }
        return (answers, errors);
    }
}
