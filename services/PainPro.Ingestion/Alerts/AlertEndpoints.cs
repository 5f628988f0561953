using System.Text;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Auditing;
using PainPro.Ingestion.Http;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Data;

using AlertAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<PainPro.Ingestion.Alerts.AlertDetailView>,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;
using AlertChange = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<PainPro.Ingestion.Alerts.AlertDetailView>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace PainPro.Ingestion.Alerts;

/// <summary>The alert API of DESIGN §9: the worklist, one alert with its history, and the nurse's actions.</summary>
public static class AlertEndpoints
{
    private const int DefaultLimit = 200;
    private const int MaxLimit = 1000;
    private const int MaxOutcomeLength = 100;
    private const int MaxNoteLength = 4000;
    private const int MaxBulk = 200;

    public static IEndpointRouteBuilder MapAlertApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/alerts").RequireAuthorization(PainProAuth.StaffOrIntegrationPolicy).WithTags("alerts");
        alerts.MapGet("/", ListAsync);
        alerts.MapGet("/stats", StatsAsync);
        alerts.MapGet("/worklist", WorklistAsync);
        alerts.MapGet("/targets", (IOptionsMonitor<IngestionOptions> options) => TypedResults.Ok(TargetsOf(options).View));
        alerts.MapPost("/acknowledge", AcknowledgeManyAsync);
        // A problem's status is not in its type: each operation's 404 and 409 are declared.
        alerts.MapPost("/{id:guid}/assign", AssignAsync).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        alerts.MapPost("/{id:guid}/release", ReleaseAsync).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        alerts.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        alerts.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        alerts.MapPost("/{id:guid}/resolve", ResolveAsync).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        alerts.MapPost("/{id:guid}/notes", AddNoteAsync).ProducesProblem(StatusCodes.Status404NotFound);
        alerts.MapPost("/{id:guid}/calls", RecordCallAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<List<AlertView>>, ValidationProblem>> ListAsync(IngestionDb db, IOptionsMonitor<IngestionOptions> options, string? status, string? severity,
        Guid? enrollmentId, Guid? patientId, string? procedureType, string? facility, int? limit, int? offset, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !AlertStatuses.All.Contains(status))
            errors["status"] = [$"Use one of: {string.Join(", ", AlertStatuses.All)}."];
        if (severity is not null && AlertSeverities.Rank(severity) == 0)
            errors["severity"] = ["Use one of: low, medium, high."];
        if (limit is < 1 or > MaxLimit) errors["limit"] = [$"Use 1 to {MaxLimit}."];
        if (offset is < 0) errors["offset"] = ["Use 0 or more."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var where = new StringBuilder("WHERE 1 = 1");
        if (status is not null) where.Append(" AND a.status = @status");
        if (severity is not null) where.Append(" AND a.severity = @severity");
        if (enrollmentId is not null) where.Append(" AND a.enrollment_id = @enrollmentId");
        if (patientId is not null) where.Append(" AND a.patient_id = @patientId");
        if (procedureType is not null) where.Append(" AND e.procedure_type = @procedureType");
        if (facility is not null) where.Append(" AND e.facility = @facility");

        // The worklist order: most severe first, then the most recent news.
        var sql = $"""
            SELECT {AlertRecord.Columns} FROM {AlertRecord.From} {where}
            ORDER BY CASE a.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END DESC, a.updated_at DESC, a.id DESC
            {db.Dialect.Page("@limit", "@offset")}
            """;
        var rows = await db.ReadAsync(c => c.QueryAsync<AlertRecord>(sql,
            new { status, severity, enrollmentId, patientId, procedureType, facility, limit = limit ?? DefaultLimit, offset = offset ?? 0 }), ct);
        var targets = TargetsOf(options);
        return TypedResults.Ok(rows.Select(a => AlertView.Of(a, targets)).ToList());
    }

    private static async Task<AlertAnswer> GetAsync(Guid id, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync<AlertAnswer>(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            await AuditLog.RecordAsync(session, actor.Name, actor.Via, AuditLog.ViewedAlert, alert.EnrollmentId, alertId: id);
            return TypedResults.Ok(await DetailAsync(session, alert, http));
        }, ct);
    }

    private static async Task<AlertAnswer> AcknowledgeAsync(Guid id, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync<AlertAnswer>(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            if (alert.Status == AlertStatuses.Resolved)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert is already resolved.");

            await AcknowledgeOpenAsync(session, id, actor);
            return TypedResults.Ok(await DetailAsync(session, (await FindAsync(session, id))!, http));
        }, ct);
    }

    /// <summary>
    /// Acknowledges the alert if it is open. Acknowledging twice is harmless: the first acknowledgement stands and
    /// nothing is published again.
    /// </summary>
    private static async Task<bool> AcknowledgeOpenAsync(DbSession session, Guid id, StaffActor actor)
    {
        var now = session.Clock.GetUtcNow();
        var changed = await session.ExecuteAsync("""
            UPDATE alerts SET status = 'acknowledged', acknowledged_at = @now, acknowledged_by = @by, updated_at = @now
            WHERE id = @id AND status = 'open'
            """, new { id, now, by = actor.Name });
        if (changed == 0) return false;
        await AlertHistory.RecordAsync(session, new AlertEvent { AlertId = id, At = now, Actor = actor.Name, Via = actor.Via, Action = AlertActions.Acknowledged });
        await session.PublishAsync(new AlertAcknowledged(id, actor.Name, now));
        return true;
    }

    /// <summary>
    /// <c>POST /api/alerts/acknowledge</c> <c>{"alertIds": [...]}</c>: the worklist's multi-select. Each open alert is
    /// acknowledged as one by one would (history, <see cref="AlertAcknowledged"/>), all in one transaction; alerts
    /// already acknowledged or resolved are reported, not refused, since a colleague may have just handled them.
    /// </summary>
    private static async Task<Results<Ok<AcknowledgeManyResult>, ValidationProblem>> AcknowledgeManyAsync(AcknowledgeManyRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var ids = request?.AlertIds?.Distinct().ToList() ?? [];
        if (ids.Count is 0 or > MaxBulk)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["alertIds"] = [$"Give 1 to {MaxBulk} alert ids."] });
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync(async session =>
        {
            var known = (await session.QueryAsync<IdStatus>(
                $"SELECT id AS Id, status AS Status FROM alerts WHERE {session.Dialect.InGuids("id", ids)}")).ToDictionary(a => a.Id);
            var acknowledged = new List<Guid>();
            var skipped = new List<SkippedAlert>();
            foreach (var id in ids)
            {
                if (!known.TryGetValue(id, out var alert)) skipped.Add(new SkippedAlert(id, "not-found"));
                else if (await AcknowledgeOpenAsync(session, id, actor)) acknowledged.Add(id);
                else skipped.Add(new SkippedAlert(id, alert.Status));
            }
            return TypedResults.Ok(new AcknowledgeManyResult(acknowledged, skipped));
        }, ct);
    }

    /// <summary>
    /// <c>POST /api/alerts/{id}/assign</c>: the caller takes the alert ("assign to me"), so a colleague sees who is
    /// calling the patient. Taking one already taken by someone else is refused (409, naming them) unless
    /// <c>{"takeOver": true}</c>. Recorded in the history (and so the audit); nothing is published.
    /// </summary>
    private static async Task<AlertAnswer> AssignAsync(Guid id, AssignRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync<AlertAnswer>(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            if (alert.Status == AlertStatuses.Resolved)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert is already resolved.");
            if (alert.AssignedTo == actor.Name) return TypedResults.Ok(await DetailAsync(session, alert, http));
            if (alert.AssignedTo is { } holder && request?.TakeOver != true)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Someone else has this alert.",
                    detail: $"{holder} took this alert; take it over only if they agree.");
            var now = session.Clock.GetUtcNow();
            var changed = await session.ExecuteAsync("""
                UPDATE alerts SET assigned_to = @by, assigned_at = @now, updated_at = @now
                WHERE id = @id AND status <> 'resolved' AND (assigned_to IS NULL OR assigned_to = @holder)
                """, new { id, now, by = actor.Name, holder = alert.AssignedTo });
            if (changed == 0)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert changed meanwhile; try again.");
            await AlertHistory.RecordAsync(session, new AlertEvent
            {
                AlertId = id, At = now, Actor = actor.Name, Via = actor.Via, Action = AlertActions.Assigned,
                Note = alert.AssignedTo is null ? null : $"taken over from {alert.AssignedTo}",
            });
            return TypedResults.Ok(await DetailAsync(session, (await FindAsync(session, id))!, http));
        }, ct);
    }

    /// <summary><c>POST /api/alerts/{id}/release</c>: the caller gives back an alert they took.</summary>
    private static async Task<AlertAnswer> ReleaseAsync(Guid id, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync<AlertAnswer>(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            if (alert.AssignedTo is null) return TypedResults.Ok(await DetailAsync(session, alert, http));
            if (alert.AssignedTo != actor.Name)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Someone else has this alert.",
                    detail: $"{alert.AssignedTo} took this alert; only they can give it back.");
            var now = session.Clock.GetUtcNow();
            await session.ExecuteAsync("UPDATE alerts SET assigned_to = NULL, assigned_at = NULL, updated_at = @now WHERE id = @id",
                new { id, now });
            await AlertHistory.RecordAsync(session, new AlertEvent { AlertId = id, At = now, Actor = actor.Name, Via = actor.Via, Action = AlertActions.Released });
            return TypedResults.Ok(await DetailAsync(session, (await FindAsync(session, id))!, http));
        }, ct);
    }

    /// <summary><c>GET /api/alerts/worklist</c>: one page of unresolved alerts, filtered, sorted and counted by the database.</summary>
    private static async Task<Results<Ok<WorklistPage>, ValidationProblem>> WorklistAsync(IngestionDb db, HttpContext http, string? status, string? severity,
        string? facility, string? procedureType, string? assigned, string? sort, string? dir, int? limit, int? offset,
        Guid? exclude, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && status != AlertStatuses.Open && status != AlertStatuses.Acknowledged)
            errors["status"] = ["Use open or acknowledged (or leave it out for both)."];
        if (severity is not null && AlertSeverities.Rank(severity) == 0) errors["severity"] = ["Use one of: low, medium, high."];
        if (assigned is not null && !WorklistAssignments.All.Contains(assigned))
            errors["assigned"] = [$"Use one of: {string.Join(", ", WorklistAssignments.All)}."];
        if (sort is not null && !WorklistSorts.All.Contains(sort)) errors["sort"] = [$"Use one of: {string.Join(", ", WorklistSorts.All)}."];
        if (dir is not null && dir != "asc" && dir != "desc") errors["dir"] = ["Use asc or desc."];
        if (limit is < 1 or > AlertWorklist.MaxLimit) errors["limit"] = [$"Use 1 to {AlertWorklist.MaxLimit}."];
        if (offset is < 0) errors["offset"] = ["Use 0 or more."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var query = new WorklistQuery(status, severity, Blank(facility), Blank(procedureType), assigned, sort ?? WorklistSorts.Severity,
            dir is null ? null : dir == "desc", limit ?? AlertWorklist.DefaultLimit, offset ?? 0, exclude, StaffActor.From(http).Name);
        var targets = TargetsOf(http);
        return TypedResults.Ok(await db.ReadAsync(c => AlertWorklist.QueryAsync(c, db.Dialect, db.Clock.GetUtcNow(), query, targets), ct));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static AcknowledgeTargets TargetsOf(IOptionsMonitor<IngestionOptions> options) => AcknowledgeTargets.From(options.CurrentValue.Alerts);

    private static AcknowledgeTargets TargetsOf(HttpContext http) =>
        TargetsOf(http.RequestServices.GetRequiredService<IOptionsMonitor<IngestionOptions>>());

    private static async Task<AlertChange> ResolveAsync(Guid id, ResolveRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var outcome = request?.Outcome?.Trim();
        if (string.IsNullOrEmpty(outcome)) errors["outcome"] = ["Say how the alert was resolved."];
        else if (outcome.Length > MaxOutcomeLength) errors["outcome"] = [$"Keep the outcome to {MaxOutcomeLength} characters; use the note for more."];
        if (request?.Note?.Length > MaxNoteLength) errors["note"] = [$"Keep the note to {MaxNoteLength} characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var actor = StaffActor.From(http);
        var note = string.IsNullOrWhiteSpace(request!.Note) ? null : request.Note.Trim();
        return await db.InTransactionAsync<AlertChange>(async session =>
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
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert is already resolved.");

            await AlertHistory.RecordAsync(session, new AlertEvent
            {
                AlertId = id, At = now, Actor = actor.Name, Via = actor.Via, Action = AlertActions.Resolved, Outcome = outcome, Note = note,
            });
            await session.PublishAsync(new AlertResolved(id, actor.Name, now, outcome!, note));
            return TypedResults.Ok(await DetailAsync(session, (await FindAsync(session, id))!, http));
        }, ct);
    }

    private static async Task<AlertChange> AddNoteAsync(Guid id, NoteRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var note = request?.Note?.Trim();
        if (string.IsNullOrEmpty(note) || note.Length > MaxNoteLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["note"] = [$"Write a note of 1 to {MaxNoteLength} characters."] });
        return await RecordActionAsync(id, db, http, AlertActions.Note, outcome: null, note, ct);
    }

    private static async Task<AlertChange> RecordCallAsync(Guid id, CallRequest? request, IngestionDb db, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.Outcome is null || !CallOutcomes.All.Contains(request.Outcome))
            errors["outcome"] = [$"Use one of: {string.Join(", ", CallOutcomes.All)}."];
        if (request?.Note?.Length > MaxNoteLength) errors["note"] = [$"Keep the note to {MaxNoteLength} characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var note = string.IsNullOrWhiteSpace(request!.Note) ? null : request.Note.Trim();
        return await RecordActionAsync(id, db, http, AlertActions.Call, request.Outcome, note, ct);
    }

    private static async Task<AlertChange> RecordActionAsync(Guid id, IngestionDb db, HttpContext http, string action, string? outcome,
        string? note, CancellationToken ct)
    {
        var actor = StaffActor.From(http);
        return await db.InTransactionAsync<AlertChange>(async session =>
        {
            var alert = await FindAsync(session, id);
            if (alert is null) return NotFound(id);
            await AlertHistory.RecordAsync(session, new AlertEvent
            {
                AlertId = id, At = session.Clock.GetUtcNow(), Actor = actor.Name, Via = actor.Via, Action = action, Outcome = outcome, Note = note,
            });
            return TypedResults.Ok(await DetailAsync(session, alert, http));
        }, ct);
    }

    private static async Task<Results<Ok<AlertStatsView>, ValidationProblem>> StatsAsync(IngestionDb db, string? procedureType, string? from, string? to, CancellationToken ct)
    {
        if (!DateRange.TryParse(from, to, out var range, out var errors)) return TypedResults.ValidationProblem(errors);
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
        return TypedResults.Ok(new AlertStatsView(rows.Count, median, byRule));
    }

    private static Task<AlertRecord?> FindAsync(DbSession session, Guid id) =>
        session.QuerySingleOrDefaultAsync<AlertRecord>($"SELECT {AlertRecord.Columns} FROM {AlertRecord.From} WHERE a.id = @id", new { id });

    private static async Task<AlertDetailView> DetailAsync(DbSession session, AlertRecord alert, HttpContext http)
    {
        var history = await session.QueryAsync<AlertEvent>("""
            SELECT id AS Id, alert_id AS AlertId, at AS At, actor AS Actor, via AS Via, action AS Action,
                   survey_id AS SurveyId, severity AS Severity, rules AS Rules, summary AS Summary,
                   outcome AS Outcome, note AS Note
            FROM alert_events WHERE alert_id = @Id ORDER BY at, id
            """, new { alert.Id });
        return new AlertDetailView(AlertView.Of(alert, TargetsOf(http)), [.. history.Select(AlertHistoryView.Of)]);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert.", detail: $"Alert {id} does not exist.");

    private sealed record IdStatus
    {
        public Guid Id { get; init; }
        public string Status { get; init; } = "";
    }

    private sealed record StatsRow
    {
        public string RuleList { get; init; } = "";
        public DateTimeOffset RaisedAt { get; init; }
        public DateTimeOffset? AcknowledgedAt { get; init; }
    }
}
