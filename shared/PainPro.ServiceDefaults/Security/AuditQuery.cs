using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Security;

/// <summary>
/// The filters of an audit read API (<c>?actor=&amp;patientId=&amp;from=&amp;until=&amp;limit=</c>), shared by the services
/// that keep an audit trail. Times are ISO 8601 instants with offset; <c>until</c> is exclusive. Newest first.
/// </summary>
public sealed record AuditQuery(string? Actor, Guid? PatientId, DateTimeOffset? From, DateTimeOffset? Until, int Limit)
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 10_000;

    /// <summary>The dialect of the database the list runs on (its <c>LIMIT</c>), set by <see cref="MapAuditList"/>.</summary>
    public SqlDialect Dialect { get; init; } = SqlDialect.Postgres;

    /// <summary>
    /// Maps an audit list at <paramref name="pattern"/>: the filters read and checked (400 with the reasons), then
    /// <paramref name="list"/> run on the service's database. For the Portal's audit page (its API key) and administrators.
    /// </summary>
    public static RouteHandlerBuilder MapAuditList<TDb, TEntry>(IEndpointRouteBuilder app, string pattern,
        Func<DbConnection, AuditQuery, Task<IReadOnlyList<TEntry>>> list) where TDb : ServiceDatabase =>
        app.MapGet(pattern, async Task<Results<Ok<IReadOnlyList<TEntry>>, ValidationProblem>> (string? actor, string? patientId, string? from, string? until, string? limit, TDb db, CancellationToken ct) =>
        {
            if (!TryParse(actor, patientId, from, until, limit, out var query, out var errors)) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(await db.ReadAsync(c => list(c, query with { Dialect = db.Dialect }), ct));
        }).RequireAuthorization(PainProAuth.AuditPolicy).WithTags("audit");

    public static bool TryParse(string? actor, string? patientId, string? from, string? until, string? limit,
        out AuditQuery query, out Dictionary<string, string[]> errors)
    {
        errors = [];
        query = new AuditQuery(null, null, null, null, DefaultLimit);
        var name = string.IsNullOrWhiteSpace(actor) ? null : actor.Trim();
        if (name is { Length: > 200 }) errors["actor"] = ["actor is longer than 200 characters."];
        Guid? patient = null;
        if (!string.IsNullOrWhiteSpace(patientId))
        {
            if (Guid.TryParse(patientId, out var id)) patient = id;
            else errors["patientId"] = ["patientId must be a patient id (a GUID)."];
        }
        var start = Instant(from, "from", errors);
        var end = Instant(until, "until", errors);
        if (start is not null && end is not null && end < start) errors["until"] = ["until is before from."];
        var rows = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out rows) || rows is < 1 or > MaxLimit))
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        if (errors.Count > 0) return false;
        query = new AuditQuery(name, patient, start, end, rows);
        return true;
    }

    /// <summary>
    /// <c>AND …</c> conditions for the given columns, with their parameters added (actor compared case-insensitively).
    /// Built only from the filters present: PostgreSQL cannot type a NULL parameter in <c>@p IS NULL OR …</c>.
    /// </summary>
    public string Conditions(DynamicParameters parameters, string actorColumn, string patientColumn, string atColumn)
    {
        var sql = new System.Text.StringBuilder();
        if (Actor is not null) { sql.Append($" AND lower({actorColumn}) = lower(@actor)"); parameters.Add("actor", Actor); }
        if (PatientId is not null) { sql.Append($" AND {patientColumn} = @patientId"); parameters.Add("patientId", PatientId.Value); }
        if (From is not null) { sql.Append($" AND {atColumn} >= @from"); parameters.Add("from", From.Value); }
        if (Until is not null) { sql.Append($" AND {atColumn} < @until"); parameters.Add("until", Until.Value); }
        parameters.Add("limit", Limit);
        return sql.ToString();
    }

    private static DateTimeOffset? Instant(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            && text.Contains('T') && value.Year is >= 1900 and <= 2200)
            return value;
        errors[field] = [$"{field} must be an ISO 8601 instant with offset, e.g. 2026-11-20T00:00:00Z."];
        return null;
    }
}
