using System.Data.Common;
using System.Text;
using Dapper;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Alerts;

/// <summary>
/// <c>GET /api/alerts/worklist</c>'s question: which unresolved alerts, in which order, which page. Everything is
/// answered by the database — filters, order, the page and the total — so no alert is ever missing from the list, its
/// count or its filters, however many there are.
/// </summary>
/// <param name="Status"><c>open</c>, <c>acknowledged</c>, or null for both (every unresolved alert).</param>
/// <param name="Assigned"><c>me</c> (taken by the caller), <c>none</c> (taken by nobody), <c>available</c> (nobody or the
/// caller: what "next" offers), or null for anyone.</param>
/// <param name="Actor">The staff member asking: whom <c>me</c> and <c>available</c> mean.</param>
/// <param name="Exclude">An alert to leave out (the one just handled, when asking for the next).</param>
public sealed record WorklistQuery(
    string? Status = null,
    string? Severity = null,
    string? Facility = null,
    string? ProcedureType = null,
    string? Assigned = null,
    string Sort = WorklistSorts.Severity,
    bool? Descending = null,
    int Limit = AlertWorklist.DefaultLimit,
    int Offset = 0,
    Guid? Exclude = null,
    string Actor = "");

public static class WorklistSorts
{
    /// <summary>Most severe first, then the longest past its target: the default, what a nurse works down.</summary>
    public const string Severity = "severity";
    /// <summary>Open alerts by how long they are past their target (most first), acknowledged ones after.</summary>
    public const string Overdue = "overdue";
    public const string Raised = "raised";
    public const string Facility = "facility";
    public const string Procedure = "procedure";
    public const string Timepoint = "timepoint";

    public static IReadOnlyList<string> All { get; } = [Severity, Overdue, Raised, Facility, Procedure, Timepoint];
}

public static class WorklistAssignments
{
    public const string Me = "me";
    public const string None = "none";
    public const string Available = "available";

    public static IReadOnlyList<string> All { get; } = [Me, None, Available];
}

/// <summary>How many unresolved alerts carry one value of a filter.</summary>
public sealed record FacetCount(string Value, int Count);

/// <summary>
/// Every value each filter can take among all unresolved alerts, with its count, whatever the current filters: a filter
/// never hides the values that would widen it. An alert whose enrollment has not arrived has facility and procedure
/// <see cref="AlertWorklist.Unknown"/>.
/// </summary>
public sealed record WorklistFacets(
    IReadOnlyList<FacetCount> Status,
    IReadOnlyList<FacetCount> Severity,
    IReadOnlyList<FacetCount> Facility,
    IReadOnlyList<FacetCount> ProcedureType);

/// <summary>One page of the worklist: the alerts, how many match in all, how many of those are past target.</summary>
public sealed record WorklistPage(
    int Total,
    int Overdue,
    int Offset,
    int Limit,
    IReadOnlyList<AlertView> Alerts,
    WorklistFacets Facets,
    AcknowledgeTargetsView Targets,
    DateTimeOffset Now);

public static class AlertWorklist
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The filter value (and facet) of an alert whose enrollment is not known yet.</summary>
    public const string Unknown = "(unknown)";

    public static async Task<WorklistPage> QueryAsync(DbConnection connection, SqlDialect dialect, DateTimeOffset now,
        WorklistQuery query, AcknowledgeTargets targets)
    {
        var parameters = new DynamicParameters();
        var where = Where(query, parameters);
        var due = DueEpoch(dialect);
        parameters.Add("highSeconds", targets.High.TotalSeconds);
        parameters.Add("mediumSeconds", targets.Medium.TotalSeconds);
        parameters.Add("lowSeconds", targets.Low.TotalSeconds);
        parameters.Add("nowEpoch", now.ToUnixTimeMilliseconds() / 1000.0);
        parameters.Add("limit", query.Limit);
        parameters.Add("offset", query.Offset);

        var counts = await connection.QuerySingleAsync<Counts>($"""
            SELECT COUNT(*) AS Total, COALESCE(SUM(CASE WHEN a.status = 'open' AND {due} < @nowEpoch THEN 1 ELSE 0 END), 0) AS Overdue
            FROM {AlertRecord.From} {where}
            """, parameters);
        var rows = counts.Total == 0 ? [] : await connection.QueryAsync<AlertRecord>($"""
            SELECT {AlertRecord.Columns} FROM {AlertRecord.From} {where}
            ORDER BY {OrderBy(query, due)}
            {dialect.Page("@limit", "@offset")}
            """, parameters);
        var facets = await FacetsAsync(connection);
        return new WorklistPage((int)counts.Total, (int)counts.Overdue, query.Offset, query.Limit,
            [.. rows.Select(a => AlertView.Of(a, targets))], facets, targets.View, now);
    }

    private static string Where(WorklistQuery query, DynamicParameters parameters)
    {
        // Textually the partial index's own predicate, so both dialects use ix_alerts_unresolved.
        var where = new StringBuilder("WHERE a.status <> 'resolved'");
        if (query.Status is not null) { where.Append(" AND a.status = @status"); parameters.Add("status", query.Status); }
        if (query.Severity is not null) { where.Append(" AND a.severity = @severity"); parameters.Add("severity", query.Severity); }
        Match(where, parameters, "e.facility", "facility", query.Facility);
        Match(where, parameters, "e.procedure_type", "procedureType", query.ProcedureType);
        parameters.Add("actor", query.Actor);
        where.Append(query.Assigned switch
        {
            WorklistAssignments.Me => " AND a.assigned_to = @actor",
            WorklistAssignments.None => " AND a.assigned_to IS NULL",
            WorklistAssignments.Available => " AND (a.assigned_to IS NULL OR a.assigned_to = @actor)",
            _ => "",
        });
        if (query.Exclude is { } excluded) { where.Append(" AND a.id <> @exclude"); parameters.Add("exclude", excluded); }
        return where.ToString();
    }

    private static void Match(StringBuilder where, DynamicParameters parameters, string column, string name, string? value)
    {
        if (value is null) return;
        if (value == Unknown) { where.Append($" AND {column} IS NULL"); return; }
        where.Append($" AND {column} = @{name}");
        parameters.Add(name, value);
    }

    private const string SeverityRank = "CASE a.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END";
    private const string TimepointRank = "CASE a.timepoint WHEN 'baseline' THEN 0 WHEN 'day3' THEN 1 WHEN 'month1' THEN 2 WHEN 'month3' THEN 3 ELSE 4 END";

    private static string OrderBy(WorklistQuery query, string due)
    {
        // Each sort has its natural direction (the most urgent, overdue or recent first; names A to Z); Descending
        // chooses explicitly. The urgency order breaks ties, and the id makes the order total, so pages never overlap.
        var descending = query.Descending ?? query.Sort is WorklistSorts.Severity or WorklistSorts.Overdue or WorklistSorts.Raised;
        var direction = descending ? "DESC" : "ASC";
        var first = query.Sort switch
        {
            // Overdue by = now − due: the most overdue has the earliest due time. Acknowledged alerts are overdue by nothing.
            WorklistSorts.Overdue => $"CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, {due} {(descending ? "ASC" : "DESC")}",
            WorklistSorts.Raised => $"a.raised_at {direction}",
            WorklistSorts.Facility => $"COALESCE(e.facility, '') {direction}",
            WorklistSorts.Procedure => $"COALESCE(e.procedure_type, '') {direction}",
            WorklistSorts.Timepoint => $"{TimepointRank} {direction}",
            _ => $"{SeverityRank} {direction}",
        };
        return query.Sort == WorklistSorts.Severity
            ? $"{first}, {due} ASC, a.id"
            : $"{first}, {SeverityRank} DESC, {due} ASC, a.id";
    }

    /// <summary>
    /// When the alert should have been acknowledged by, in seconds since 1970: its clock's start (when it became high,
    /// for a high alert, as escalation counts; else when it was raised) plus its severity's target.
    /// </summary>
    private static string DueEpoch(SqlDialect dialect)
    {
        var start = "CASE WHEN a.severity = 'high' THEN COALESCE(a.high_since, a.raised_at) ELSE a.raised_at END";
        var epoch = dialect.EpochSeconds(start);
        return $"({epoch} + CASE a.severity WHEN 'high' THEN @highSeconds WHEN 'medium' THEN @mediumSeconds ELSE @lowSeconds END)";
    }

    private static async Task<WorklistFacets> FacetsAsync(DbConnection connection)
    {
        var groups = (await connection.QueryAsync<FacetRow>($"""
            SELECT a.status AS Status, a.severity AS Severity, e.facility AS Facility, e.procedure_type AS ProcedureType, COUNT(*) AS Count
            FROM {AlertRecord.From}
            WHERE a.status <> 'resolved'
            GROUP BY a.status, a.severity, e.facility, e.procedure_type
            """)).ToList();

        IReadOnlyList<FacetCount> Facet(Func<FacetRow, string?> value, IEnumerable<string>? order = null)
        {
            var counts = groups.GroupBy(g => value(g) ?? Unknown).Select(g => new FacetCount(g.Key, (int)g.Sum(r => r.Count)));
            if (order is not null)
            {
                var rank = order.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i);
                return [.. counts.OrderBy(c => rank.GetValueOrDefault(c.Value, int.MaxValue)).ThenBy(c => c.Value, StringComparer.Ordinal)];
            }
            return [.. counts.OrderBy(c => c.Value == Unknown).ThenBy(c => c.Value, StringComparer.OrdinalIgnoreCase)];
        }

        return new WorklistFacets(
            Facet(g => g.Status, [AlertStatuses.Open, AlertStatuses.Acknowledged]),
            Facet(g => g.Severity, [AlertSeverities.High, AlertSeverities.Medium, AlertSeverities.Low]),
            Facet(g => g.Facility),
            Facet(g => g.ProcedureType));
    }

    private sealed record Counts
    {
        public long Total { get; init; }
        public long Overdue { get; init; }
    }

    private sealed record FacetRow
    {
        public string Status { get; init; } = "";
        public string Severity { get; init; } = "";
        public string? Facility { get; init; }
        public string? ProcedureType { get; init; }
        public long Count { get; init; }
    }
}
