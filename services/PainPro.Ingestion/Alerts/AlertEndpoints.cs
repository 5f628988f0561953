using System.Text;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PainPro.Contracts;
using PainPro.Ingestion.Auditing;
using PainPro.Ingestion.Http;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Alerts;

/// <summary>The alert API of DESIGN §9: the worklist, one alert with its history, and the nurse's actions.</summary>
public static class AlertEndpoints
{
    private const int DefaultLimit = 200;
    private const int MaxLimit = 1000;
    private const int MaxOutcomeLength = 100;
    private const int MaxNoteLength = 4000;

    public static IEndpointRouteBuilder MapAlertApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/alerts").RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("alerts");
        alerts.MapGet("/", ListAsync);
        alerts.MapGet("/stats", StatsAsync);
        alerts.MapGet("/{id:guid}", GetAsync);
        alerts.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync);
        alerts.MapPost("/{id:guid}/resolve", ResolveAsync);
        alerts.MapPost("/{id:guid}/notes", AddNoteAsync);
        alerts.MapPost("/{id:guid}/calls", RecordCallAsync);
        return app;
    }

    private static async Task<IResult> ListAsync(IngestionDb db, string? status, string? severity, Guid? enrollmentId,
        string? procedureType, string? facility, int? limit, int? offset, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !AlertStatuses.All.Contains(status))
            errors["status"] = [$"Use one of: {string.Join(", ", AlertStatuses.All)}."];
        if (severity is not null && AlertSeverities.Rank(severity) == 0)
            errors["severity"] = ["Use one of: low, medium, high."];
        if (limit is < 1 or > MaxLimit) errors["limit"] = [$"Use 1 to {MaxLimit}."];
        if (offset is < 0) errors["offset"] = ["Use 0 or more."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var where = new StringBuilder("WHERE 1 = 1");
        if (status is not null) where.Append(" AND a.status = @status");
        if (severity is not null) where.Append(" AND a.severity = @severity");
        if (enrollmentId is not null) where.Append(" AND a.enrollment_id = @enrollmentId");
        if (procedureType is not null) where.Append(" AND e.procedure_type = @procedureType");
        if (facility is not null) where.Append(" AND e.facility = @facility");

        // The worklist order: most severe first, then the most recent news.
        var sql = $"""
            SELECT {AlertRecord.Columns} FROM {AlertRecord.From} {where}
            ORDER BY CASE a.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END DESC, a.updated_at DESC, a.id DESC
            LIMIT @limit OFFSET @offset
            """;
        var rows = await db.ReadAsync(c => c.QueryAsync<AlertRecord>(sql,
            new { status, severity, enrollmentId, procedureType, facility, limit = limit ?? DefaultLimit, offset = offset ?? 0 }), ct);
        return Results.Ok(rows.Select(AlertView.Of).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            await AuditLog.RecordAsync(session, actor.Name, actor.Via, AuditLog.ViewedAlert, alert.EnrollmentId, alertId: id);
            return Results.Ok(await DetailAsync(session, alert));
        }, ct);
    }

    private static async Task<IResult> AcknowledgeAsync(Guid id, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            if (alert.Status == AlertStatuses.Resolved)
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert is already resolved.");

            var now = session.Clock.GetUtcNow();
            // Acknowledging twice is harmless: the first acknowledgement stands and nothing is published again.
            var changed = await session.ExecuteAsync("""
                UPDATE alerts SET status = 'acknowledged', acknowledged_at = @now, acknowledged_by = @by, updated_at = @now
                WHERE id = @id AND status = 'open'
                """, new { id, now, by = actor.Name });
            if (changed == 1)
            {
                await AlertHistory.RecordAsync(session, new AlertEvent { AlertId = id, At = now, Actor = actor.Name, Via = actor.Via, Action = AlertActions.Acknowledged });
                await session.PublishAsync(new AlertAcknowledged(id, actor.Name, now));
            }
            return Results.Ok(await DetailAsync(session, (await FindAsync(session, id))!));
        }, ct);
    }

    private static async Task<IResult> ResolveAsync(Guid id, ResolveRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var outcome = request?.Outcome?.Trim();
        if (string.IsNullOrEmpty(outcome)) errors["outcome"] = ["Say how the alert was resolved."];
        else if (outcome.Length > MaxOutcomeLength) errors["outcome"] = [$"Keep the outcome to {MaxOutcomeLength} characters; use the note for more."];
        if (request?.Note?.Length > MaxNoteLength) errors["note"] = [$"Keep the note to {MaxNoteLength} characters."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var actor = StaffActor.From(http);
        var note = string.IsNullOrWhiteSpace(request!.Note) ? null : request.Note.Trim();
        return await db.InTransactionAsync(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            var now = session.Clock.GetUtcNow();
            var changed = await session.ExecuteAsync("""
                UPDATE alerts SET status = 'resolved', resolved_at = @now, resolved_by = @by, outcome = @outcome,
                                  resolution_note = @note, updated_at = @now
                WHERE id = @id AND status <> 'resolved'
                """, new { id, now, by = actor.Name, outcome, note });
            if (changed == 0)
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert is already resolved.");

            await AlertHistory.RecordAsync(session, new AlertEvent
            {
                AlertId = id, At = now, Actor = actor.Name, Via = actor.Via, Action = AlertActions.Resolved, Outcome = outcome, Note = note,
            });
            await session.PublishAsync(new AlertResolved(id, actor.Name, now, outcome!, note));
            return Results.Ok(await DetailAsync(session, (await FindAsync(session, id))!));
        }, ct);
    }

    private static async Task<IResult> AddNoteAsync(Guid id, NoteRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var note = request?.Note?.Trim();
        if (string.IsNullOrEmpty(note) || note.Length > MaxNoteLength)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["note"] = [$"Write a note of 1 to {MaxNoteLength} characters."] });
        return await RecordActionAsync(id, db, http, AlertActions.Note, outcome: null, note, ct);
    }

    private static async Task<IResult> RecordCallAsync(Guid id, CallRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.Outcome is null || !CallOutcomes.All.Contains(request.Outcome))
            errors["outcome"] = [$"Use one of: {string.Join(", ", CallOutcomes.All)}."];
        if (request?.Note?.Length > MaxNoteLength) errors["note"] = [$"Keep the note to {MaxNoteLength} characters."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);
        var note = string.IsNullOrWhiteSpace(request!.Note) ? null : request.Note.Trim();
        return await RecordActionAsync(id, db, http, AlertActions.Call, request.Outcome, note, ct);
    }

    private static async Task<IResult> RecordActionAsync(Guid id, IngestionDb db, HttpContext http, string action, string? outcome,
        string? note, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            await AlertHistory.RecordAsync(session, new AlertEvent
            {
                AlertId = id, At = session.Clock.GetUtcNow(), Actor = actor.Name, Via = actor.Via, Action = action, Outcome = outcome, Note = note,
            });
            return Results.Ok(await DetailAsync(session, alert));
        }, ct);
    }

    private static async Task<IResult> StatsAsync(IngestionDb db, string? procedureType, string? from, string? to, CancellationToken ct)
    {
        if (!DateRange.TryParse(from, to, out var range, out var errors)) return Results.ValidationProblem(errors);
        var where = new StringBuilder("WHERE 1 = 1");
        if (procedureType is not null) where.Append(" AND e.procedure_type = @procedureType");
        // The procedure time, as the outcomes summary and Scheduling's enrollment list filter: the Portal divides
        // alerts by enrollments of the same range.
        if (range.From is not null) where.Append(" AND e.performed_at >= @from");
        if (range.Until is not null) where.Append(" AND e.performed_at < @until");
        var rows = (await db.ReadAsync(c => c.QueryAsync<StatsRow>($"""
            SELECT a.rules AS RuleList, a.raised_at AS RaisedAt, a.acknowledged_at AS AcknowledgedAt
            FROM {AlertRecord.From} {where}
            """, new { procedureType, from = range.From, until = range.Until }), ct)).ToList();

        var minutesToAcknowledge = rows
            .Where(r => r.AcknowledgedAt is not null)
            .Select(r => (r.AcknowledgedAt!.Value - r.RaisedAt).TotalMinutes)
            .Order()
            .ToList();
        var byRule = AlertRules.All.ToDictionary(rule => rule,
            rule => rows.Count(r => r.RuleList.Split(',').Contains(rule)));
        double? median = minutesToAcknowledge.Count == 0 ? null : Math.Round(Outcomes.Statistics.Quantile(minutesToAcknowledge, 0.5), 1);
        return Results.Ok(new AlertStatsView(rows.Count, median, byRule));
    }

    private static Task<AlertRecord?> FindAsync(DbSession session, Guid id) =>
        session.QuerySingleOrDefaultAsync<AlertRecord>($"SELECT {AlertRecord.Columns} FROM {AlertRecord.From} WHERE a.id = @id", new { id });

    private static async Task<AlertDetailView> DetailAsync(DbSession session, AlertRecord alert)
    {
        var history = await session.QueryAsync<AlertEvent>("""
            SELECT id AS Id, alert_id AS AlertId, at AS At, actor AS Actor, via AS Via, action AS Action,
                   survey_id AS SurveyId, severity AS Severity, rules AS Rules, summary AS Summary,
                   outcome AS Outcome, note AS Note
            FROM alert_events WHERE alert_id = @Id ORDER BY at, id
            """, new { alert.Id });
        return new AlertDetailView(AlertView.Of(alert), [.. history.Select(AlertHistoryView.Of)]);
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert.", detail: $"Alert {id} does not exist.");

    private sealed record StatsRow
    {
        public string RuleList { get; init; } = "";
        public DateTimeOffset RaisedAt { get; init; }
        public DateTimeOffset? AcknowledgedAt { get; init; }
    }
}
