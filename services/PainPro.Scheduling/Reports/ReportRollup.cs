using Dapper;
using PainPro.Scheduling.Enrollments;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.Reports;

/// <summary>The response funnel of one procedure type's timepoint in one UTC month of the procedure.</summary>
internal sealed record FunnelCount
{
    public string Month { get; init; } = "";
    public string ProcedureType { get; init; } = "";
    public string Timepoint { get; init; } = "";
    public long Due { get; init; }
    public long Sent { get; init; }
    public long Reminded { get; init; }
    public long Answered { get; init; }
    public long AnsweredAfterReminder { get; init; }
}

/// <summary>How many enrollments of one procedure type in one UTC month of the procedure are in one derived status.</summary>
internal sealed record StatusCount
{
    public string Month { get; init; } = "";
    public string ProcedureType { get; init; } = "";
    public string Status { get; init; } = "";
    public long N { get; init; }
}

/// <summary>
/// The monthly roll-up of Scheduling's dashboard counts (<c>funnel_rollup</c>, <c>enrollment_status_rollup</c>; migration
/// 0008), as Ingestion's <c>OutcomeRollup</c> is of the outcome figures. A health system's two years are ~50,000
/// enrollments and ~150,000 surveys, which the reports would otherwise read on every dashboard request; the roll-up holds
/// the same counts per month and procedure type — a few hundred rows. Writes to enrollments and surveys that can change
/// a count mark their month stale (triggers, in the writer's transaction); a read recomputes the stale months first,
/// each from the very query that answers a part month directly (<see cref="FunnelSql"/>, <see cref="StatusSql"/>), so
/// the roll-up and the direct computation cannot disagree. A range that starts or ends inside a month reads those part
/// months directly. On PostgreSQL and SQL Server the recompute holds the month's lock exclusively while writers mark it
/// holding it shared, so no write is lost with the mark it clears.
/// </summary>
public sealed class ReportRollup(SchedulingDb db)
{
    /// <summary>The advisory-lock class of a month (the month itself, yyyyMM, is the second key); the triggers use it too.</summary>
    private const int MonthLockClass = 1920;

    /// <summary>The funnel counts of the enrollments whose procedure falls in [from, until); <paramref name="direct"/>: from the tables.</summary>
    internal Task<List<FunnelCount>> FunnelAsync(string? procedureType, DateTimeOffset? from, DateTimeOffset? until, bool direct = false,
        CancellationToken ct = default) =>
        ReadAsync<FunnelCount>("""
            SELECT month AS Month, procedure_type AS ProcedureType, timepoint AS Timepoint, due AS Due, sent AS Sent, reminded AS Reminded,
                   answered AS Answered, answered_after_reminder AS AnsweredAfterReminder
            FROM funnel_rollup
            """, FunnelSql, procedureType, from, until, direct, ct);

    /// <summary>The enrollment counts by status of the enrollments whose procedure falls in [from, until).</summary>
    internal Task<List<StatusCount>> StatusesAsync(string? procedureType, DateTimeOffset? from, DateTimeOffset? until, bool direct = false,
        CancellationToken ct = default) =>
        ReadAsync<StatusCount>("""
            SELECT month AS Month, procedure_type AS ProcedureType, status AS Status, n AS N
            FROM enrollment_status_rollup
            """, StatusSql, procedureType, from, until, direct, ct);

    private async Task<List<T>> ReadAsync<T>(string rollupSql, Func<SqlDialect, string, string> directSql, string? procedureType,
        DateTimeOffset? from, DateTimeOffset? until, bool direct, CancellationToken ct)
    {
        if (direct) return await ComputeAsync<T>(directSql, procedureType, from, until, ct);
        await RefreshAsync(ct);
        var (first, end, parts) = UtcMonths.Split(from, until);
        var rows = new List<T>();
        if (UtcMonths.HasWholeMonths(first, end))
        {
            var where = "WHERE 1 = 1"
                + (first is null ? "" : " AND month >= @first")
                + (end is null ? "" : " AND month < @end")
                + (procedureType is null ? "" : " AND procedure_type = @procedureType");
            rows.AddRange(await db.ReadAsync(c => c.QueryAsync<T>($"{rollupSql} {where}", new { first, end, procedureType }), ct));
        }
        foreach (var (partFrom, partUntil) in parts)
            rows.AddRange(await ComputeAsync<T>(directSql, procedureType, partFrom, partUntil, ct));
        return rows;
    }

    /// <summary>Recomputes every stale month, one transaction each.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var stale = (await db.ReadAsync(c => c.QueryAsync<string>("SELECT month FROM report_months_stale"), ct)).Order(StringComparer.Ordinal).ToList();
        // One month per transaction: the recompute holds one month's lock at a time, so it never waits in a cycle with a
        // writer marking two months (a rescheduled procedure).
        foreach (var month in stale)
            await db.InTransactionAsync(session => RecomputeAsync(session, month), ct);
    }

    private static async Task RecomputeAsync(DbSession session, string month)
    {
        // The lock the triggers' report_mark_stale takes shared (migration 0008).
        await UtcMonths.LockForRecomputeAsync(session, MonthLockClass, "report_month", month);
        // Another reader may have recomputed it while this one waited for the lock.
        if (await session.ExecuteAsync("DELETE FROM report_months_stale WHERE month = @month", new { month }) == 0) return;

        await session.ExecuteAsync("DELETE FROM funnel_rollup WHERE month = @month", new { month });
        await session.ExecuteAsync("DELETE FROM enrollment_status_rollup WHERE month = @month", new { month });
        var from = UtcMonths.Start(month);
        var parameters = new { from, until = from.AddMonths(1) };
        var where = Where(procedureType: null, bounded: true, boundedAbove: true);
        // The counts as a CTE of the very query that answers a part month, inserted as they come.
        var funnelTable = $"funnel AS ({FunnelSql(session.Dialect, where)})";
        await session.ExecuteAsync($"""
            WITH {funnelTable}
            INSERT INTO funnel_rollup (month, procedure_type, timepoint, due, sent, reminded, answered, answered_after_reminder)
            SELECT Month, ProcedureType, Timepoint, Due, Sent, Reminded, Answered, AnsweredAfterReminder FROM funnel
            """, parameters);
        var statusTable = $"statuses AS ({StatusSql(session.Dialect, where)})";
        await session.ExecuteAsync($"""
            WITH {statusTable}
            INSERT INTO enrollment_status_rollup (month, procedure_type, status, n)
            SELECT Month, ProcedureType, Status, N FROM statuses
            """, parameters);
    }

    private async Task<List<T>> ComputeAsync<T>(Func<SqlDialect, string, string> sql, string? procedureType, DateTimeOffset? from,
        DateTimeOffset? until, CancellationToken ct)
    {
        var where = Where(procedureType, from is not null, until is not null);
        return [.. await db.ReadAsync(c => c.QueryAsync<T>(sql(db.Dialect, where), new { procedureType, from, until }), ct)];
    }

    private static string Where(string? procedureType, bool bounded, bool boundedAbove) =>
        "1 = 1"
        + (bounded ? " AND e.performed_at >= @from" : "")
        + (boundedAbove ? " AND e.performed_at < @until" : "")
        + (procedureType is null ? "" : " AND e.procedure_type = @procedureType");

    /// <summary>
    /// Every <see cref="FunnelCount"/> of the enrollments <paramref name="where"/> selects, in the roll-up's column order:
    /// surveys that came due (past their first send time), were sent, reminded and answered; cancelled ones aside.
    /// </summary>
    private static string FunnelSql(SqlDialect dialect, string where) => $"""
        SELECT {dialect.UtcMonth("e.performed_at")} AS Month, e.procedure_type AS ProcedureType, s.timepoint AS Timepoint,
               SUM(CASE WHEN s.status <> 'scheduled' THEN 1 ELSE 0 END) AS Due,
               SUM(CASE WHEN s.first_sent_at IS NOT NULL THEN 1 ELSE 0 END) AS Sent,
               SUM(CASE WHEN s.last_sent_at > s.first_sent_at THEN 1 ELSE 0 END) AS Reminded,
               SUM(CASE WHEN s.status = 'completed' THEN 1 ELSE 0 END) AS Answered,
               SUM(CASE WHEN s.status = 'completed' AND s.last_sent_at > s.first_sent_at THEN 1 ELSE 0 END) AS AnsweredAfterReminder
        FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
        WHERE s.status <> 'cancelled' AND {where}
        GROUP BY {dialect.UtcMonth("e.performed_at")}, e.procedure_type, s.timepoint
        """;

    /// <summary>Every <see cref="StatusCount"/> of the enrollments <paramref name="where"/> selects, in the roll-up's column order.</summary>
    private static string StatusSql(SqlDialect dialect, string where) => $"""
        SELECT month AS Month, procedure_type AS ProcedureType, status AS Status, COUNT(*) AS N
        FROM (SELECT {dialect.UtcMonth("e.performed_at")} AS month, e.procedure_type, {EnrollmentStatuses.Sql} AS status
              FROM enrollments e WHERE {where}) counted
        GROUP BY month, procedure_type, status
        """;
}
