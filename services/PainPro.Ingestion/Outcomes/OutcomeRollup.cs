using System.Text;
using Dapper;
using PainPro.Ingestion.Http;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Outcomes;

/// <summary>
/// The outcome figures of one procedure type in one UTC month of the procedure, cut one way: <c>Dimension</c> is
/// <see cref="OutcomeRollup.AllCut"/> (<c>Group</c> null), <see cref="OutcomeRollup.FacilityCut"/> or
/// <see cref="OutcomeRollup.SurgeonCut"/> (<c>Group</c> the facility or surgeon, null when not recorded). A row with an
/// empty <c>Timepoint</c> counts enrollments; the others count that timepoint's surveys. Read from the roll-up, the
/// facility and surgeon rows are summed over procedure types (<c>ProcedureType</c> empty).
/// </summary>
internal sealed record OutcomeCount
{
    public string Month { get; init; } = "";
    public string ProcedureType { get; init; } = "";
    public string Dimension { get; init; } = "";
    public string? Group { get; init; }
    public string Timepoint { get; init; } = "";
    public long Enrollments { get; init; }
    public long Sent { get; init; }
    public long Answered { get; init; }
    public long Paired { get; init; }
    public long Reduced { get; init; }
    public long Complete { get; init; }
    public long Partial { get; init; }
    public long Progression { get; init; }
    public long Indeterminate { get; init; }
    public long MstsN { get; init; }
    public long MstsSum { get; init; }

    public bool IsEnrollmentCount => Timepoint.Length == 0;
}

/// <summary>
/// How many pain answers of one value there are in one month, procedure type and timepoint: timepoint <c>baseline</c>
/// counts the enrollments' baselines (<c>Vas</c> = <c>BaselineVas</c>), the others the surveys' pain beside their
/// enrollment's baseline (null: none recorded). Read from the roll-up, the counts are summed over months and procedure
/// types (<c>Month</c> and <c>ProcedureType</c> empty): no reader needs them.
/// </summary>
internal sealed record PainCount
{
    public string Month { get; init; } = "";
    public string ProcedureType { get; init; } = "";
    public string Timepoint { get; init; } = "";
    public int? BaselineVas { get; init; }
    public int Vas { get; init; }
    public long N { get; init; }
}

/// <summary>The counts the outcome summary and the trends are made of, for one filter.</summary>
internal sealed record OutcomeCounts(IReadOnlyList<OutcomeCount> Counts, IReadOnlyList<PainCount> Pain);

/// <summary>
/// The monthly roll-up of the outcome figures (<c>outcome_rollup</c>, <c>outcome_rollup_pain</c>; migration 0008). A
/// health system's two years are ~100,000 surveys, which the dashboard would otherwise join to their enrollments and
/// group on every request (seconds on SQLite); the roll-up holds the same counts per month, procedure type and facility
/// or surgeon — a few thousand rows. Writes to surveys, responses and enrollments mark their month stale (triggers, in
/// the writer's transaction); <see cref="ReadAsync"/> recomputes the stale months first, each from the very query that
/// answers a part month directly (<see cref="FiguresSql"/>), so the roll-up and the direct computation cannot disagree.
/// A range that starts or ends inside a month reads that part month directly. On PostgreSQL the recompute holds the
/// month's advisory lock exclusively while writers mark it holding it shared, so no write is lost with the mark it clears.
/// </summary>
public sealed class OutcomeRollup(IngestionDb db)
{
    public const string AllCut = "all";
    public const string FacilityCut = "facility";
    public const string SurgeonCut = "surgeon";

    /// <summary>The advisory-lock class of a month (the month itself, yyyyMM, is the second key); the triggers use it too.</summary>
    private const int MonthLockClass = 1919;

    /// <summary>
    /// The counts for the filter: whole months from the roll-up (after recomputing the stale ones), part months at either
    /// end directly. With <paramref name="direct"/>, everything directly, as the roll-up would be computed.
    /// </summary>
    /// <param name="overallOnly">Only the overall cut (no facility or surgeon rows): all the summary needs.</param>
    /// <param name="groupsByMonth">
    /// False: the roll-up's facility and surgeon rows come summed over months too (<c>Month</c> empty), for a reader that
    /// wants those groups over the whole range only. Part months are read directly either way, with their month.
    /// </param>
    internal async Task<OutcomeCounts> ReadAsync(string? procedureType, DateRange range, int reduction, bool direct = false,
        bool overallOnly = false, bool groupsByMonth = true, CancellationToken ct = default)
    {
        if (direct) return await ComputeAsync(procedureType, range.From, range.Until, reduction, ct);
        await RefreshAsync(reduction, ct);

        var (first, end, parts) = Split(range);
        // The whole months and each part month are independent reads, each on its own connection: they overlap. On the
        // thread pool, because Microsoft.Data.Sqlite runs a query synchronously inside its async methods.
        var reads = new List<Task<OutcomeCounts>>();
        if (UtcMonths.HasWholeMonths(first, end)) reads.Add(Task.Run(() => ReadWholeMonthsAsync(procedureType, first, end, overallOnly, groupsByMonth, ct), ct));
        reads.AddRange(parts.Select(part => Task.Run(() => ComputeAsync(procedureType, part.From, part.Until, reduction, ct), ct)));
        var read = await Task.WhenAll(reads);
        return new OutcomeCounts([.. read.SelectMany(r => r.Counts)], [.. read.SelectMany(r => r.Pain)]);
    }

    /// <summary>The roll-up's rows of the whole months [<paramref name="first"/>, <paramref name="end"/>), summed as <see cref="ReadAsync"/> says.</summary>
    private async Task<OutcomeCounts> ReadWholeMonthsAsync(string? procedureType, string? first, string? end, bool overallOnly, bool groupsByMonth,
        CancellationToken ct)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        if (first is not null) where.Append(" AND month >= @first");
        if (end is not null) where.Append(" AND month < @end");
        if (procedureType is not null) where.Append(" AND procedure_type = @procedureType");
        var parameters = new { first, end, procedureType, overall = AllCut };
        // Four holes at most: the T-SQL scan tries each unknown one as a value, nothing, a name and a condition.
        var countsWhere = where + (overallOnly ? " AND dimension = @overall" : "");
        var month = groupsByMonth ? "month" : "CASE WHEN dimension = 'all' THEN month ELSE '' END";
        return await db.ReadAsync(async connection =>
        {
            // Summed here rather than in .NET: a year is ~12,000 roll-up rows and ~20,000 pain rows, but only the overall
            // cut ('all', AllCut) is read by procedure type and the pain counts by neither month nor procedure type
            // (their readers use neither), which leaves a tenth of the rows to send and map. PostgreSQL sums bigints
            // as numeric: the sums are cast back.
            await using var results = await connection.QueryMultipleAsync($"""
                SELECT {month} AS Month, CASE WHEN dimension = 'all' THEN procedure_type ELSE '' END AS ProcedureType, dimension AS Dimension,
                       grp AS "Group", timepoint AS Timepoint, CAST(SUM(enrollments) AS bigint) AS Enrollments, CAST(SUM(sent) AS bigint) AS Sent,
                       CAST(SUM(answered) AS bigint) AS Answered, CAST(SUM(paired) AS bigint) AS Paired, CAST(SUM(reduced) AS bigint) AS Reduced,
                       CAST(SUM(complete) AS bigint) AS Complete, CAST(SUM(partial) AS bigint) AS Partial,
                       CAST(SUM(progression) AS bigint) AS Progression, CAST(SUM(indeterminate) AS bigint) AS Indeterminate,
                       CAST(SUM(msts_n) AS bigint) AS MstsN, CAST(SUM(msts_sum) AS bigint) AS MstsSum
                FROM outcome_rollup {countsWhere}
                GROUP BY {month}, CASE WHEN dimension = 'all' THEN procedure_type ELSE '' END, dimension, grp, timepoint;
                SELECT timepoint AS Timepoint, baseline_vas AS BaselineVas, vas AS Vas, CAST(SUM(n) AS bigint) AS N
                FROM outcome_rollup_pain {where}
                GROUP BY timepoint, baseline_vas, vas;
                """, parameters);
            var counts = (await results.ReadAsync<OutcomeCount>()).ToList();
            return new OutcomeCounts(counts, (await results.ReadAsync<PainCount>()).ToList());
        }, ct);
    }

    /// <summary>Recomputes every stale month — and every month counted with another response reduction — one transaction each.</summary>
    public async Task RefreshAsync(int reduction, CancellationToken ct = default)
    {
        var stale = (await db.ReadAsync(c => c.QueryAsync<string>("""
            SELECT month FROM outcome_months_stale
            UNION
            SELECT month FROM outcome_rollup WHERE reduction <> @reduction
            """, new { reduction }), ct)).Order(StringComparer.Ordinal).ToList();
        // One month per transaction: the recompute holds one month's lock at a time, so it never waits in a cycle with a
        // writer marking two months (a rescheduled procedure).
        foreach (var month in stale)
            await db.InTransactionAsync(session => RecomputeAsync(session, month, reduction), ct);
    }

    private static async Task RecomputeAsync(DbSession session, string month, int reduction)
    {
        // The application lock the triggers' outcome_mark_stale takes shared (migration 0008).
        await UtcMonths.LockForRecomputeAsync(session, MonthLockClass, "outcome_month", month);
        var marked = await session.ExecuteAsync("DELETE FROM outcome_months_stale WHERE month = @month", new { month });
        // Another reader may have recomputed it while this one waited for the lock.
        if (marked == 0 && !await session.ExecuteScalarAsync<bool>(session.Dialect.IsSqlServer
                ? "SELECT CASE WHEN EXISTS (SELECT 1 FROM outcome_rollup WHERE month = @month AND reduction <> @reduction) THEN 1 ELSE 0 END"
                : "SELECT EXISTS (SELECT 1 FROM outcome_rollup WHERE month = @month AND reduction <> @reduction)",
                new { month, reduction }))
            return;

        await session.ExecuteAsync("DELETE FROM outcome_rollup WHERE month = @month", new { month });
        await session.ExecuteAsync("DELETE FROM outcome_rollup_pain WHERE month = @month", new { month });
        var from = UtcMonths.Start(month);
        var parameters = new { from, until = from.AddMonths(1), reduction, procedureType = (string?)null };
        var figures = FiguresSql(session.Dialect, byProcedure: false);
        var select = figures.IndexOf(")\nSELECT", StringComparison.Ordinal) + 2;
        await session.ExecuteAsync($"""
            {figures[..select]}
            INSERT INTO outcome_rollup (month, procedure_type, dimension, grp, timepoint, reduction, enrollments, sent, answered, paired,
                                        reduced, complete, partial, progression, indeterminate, msts_n, msts_sum)
            {figures[select..]}
            """, parameters);
        var painTable = $"pain AS ({PainSql(session.Dialect, byProcedure: false)})";
        await session.ExecuteAsync($"""
            WITH {painTable}
            INSERT INTO outcome_rollup_pain (month, procedure_type, timepoint, baseline_vas, vas, n)
            SELECT Month, ProcedureType, Timepoint, BaselineVas, Vas, N FROM pain
            """, parameters);
    }

    /// <summary>The counts of enrollments whose procedure falls in [<paramref name="from"/>, <paramref name="until"/>), straight from the tables.</summary>
    private async Task<OutcomeCounts> ComputeAsync(string? procedureType, DateTimeOffset? from, DateTimeOffset? until, int reduction,
        CancellationToken ct)
    {
        var parameters = new { from, until, reduction, procedureType };
        return await db.ReadAsync(async connection =>
        {
            await using var results = await connection.QueryMultipleAsync(
                $"{FiguresSql(db.Dialect, procedureType is not null, from is not null, until is not null)};\n" +
                $"{PainSql(db.Dialect, procedureType is not null, from is not null, until is not null)};", parameters);
            return new OutcomeCounts((await results.ReadAsync<OutcomeCount>()).ToList(), (await results.ReadAsync<PainCount>()).ToList());
        }, ct);
    }

    private static string Where(bool byProcedure, bool bounded, bool boundedAbove) =>
        "1 = 1"
        + (bounded ? " AND e.performed_at >= @from" : "")
        + (boundedAbove ? " AND e.performed_at < @until" : "")
        + (byProcedure ? " AND e.procedure_type = @procedureType" : "");

    /// <summary>
    /// Every <see cref="OutcomeCount"/> of the enrollments the filter selects, in the roll-up's column order: surveys per
    /// month, procedure type and timepoint, overall and by facility and by surgeon, then enrollments the same three ways.
    /// "Answered" is a survey with any answer; "paired" one with pain and a baseline; "reduced" one whose pain fell by at
    /// least the response reduction.
    /// </summary>
    private static string FiguresSql(SqlDialect dialect, bool byProcedure, bool bounded = true, bool boundedAbove = true)
    {
        var month = dialect.UtcMonth("e.performed_at");
        var where = Where(byProcedure, bounded, boundedAbove);
        // Each survey and enrollment is read once (the CTEs), then grouped the three ways.
        string Surveys(string dimension, string group) => $"""
            SELECT month AS Month, procedure_type AS ProcedureType, '{dimension}' AS Dimension, {group} AS "Group", timepoint AS Timepoint,
                   @reduction AS Reduction, 0 AS Enrollments, COUNT(*) AS Sent, SUM(answered) AS Answered, SUM(paired) AS Paired,
                   SUM(reduced) AS Reduced, SUM(CASE WHEN consensus_class = 'complete' THEN 1 ELSE 0 END) AS Complete,
                   SUM(CASE WHEN consensus_class = 'partial' THEN 1 ELSE 0 END) AS Partial,
                   SUM(CASE WHEN consensus_class = 'progression' THEN 1 ELSE 0 END) AS Progression,
                   SUM(CASE WHEN consensus_class = 'indeterminate' THEN 1 ELSE 0 END) AS Indeterminate,
                   COUNT(msts_total) AS MstsN, COALESCE(SUM(msts_total), 0) AS MstsSum
            FROM answered_surveys
            GROUP BY month, procedure_type{By(group)}, timepoint
            """;
        string Enrollments(string dimension, string group) => $"""
            SELECT month, procedure_type, '{dimension}', {group}, '', @reduction, COUNT(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM enrolled
            GROUP BY month, procedure_type{By(group)}
            """;
        // PostgreSQL refuses a constant in GROUP BY: the overall cut's NULL group is not grouped by.
        static string By(string group) => group == "NULL" ? "" : ", " + group;
        // SQL Server has no MATERIALIZED: it reads the CTEs once per cut.
        var materialized = dialect.IsSqlServer ? "" : " MATERIALIZED";
        // The CTEs alone are not a statement: "WITH" is added to them here, not written in them.
        return "WITH " + $"""
            answered_surveys AS{materialized} (
                SELECT {month} AS month, e.procedure_type, e.facility, e.surgeon, s.timepoint, s.consensus_class, s.msts_total,
                       CASE WHEN EXISTS (SELECT 1 FROM responses r WHERE r.survey_id = s.id) THEN 1 ELSE 0 END AS answered,
                       CASE WHEN s.vas IS NOT NULL AND e.baseline_vas IS NOT NULL THEN 1 ELSE 0 END AS paired,
                       CASE WHEN e.baseline_vas - s.vas >= @reduction THEN 1 ELSE 0 END AS reduced
                FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
                WHERE {where}
            ),
            enrolled AS{materialized} (
                SELECT {month} AS month, e.procedure_type, e.facility, e.surgeon FROM enrollments e WHERE {where}
            )
            """ + "\n" + string.Join("\nUNION ALL\n",
            Surveys(AllCut, "NULL"), Surveys(FacilityCut, "facility"), Surveys(SurgeonCut, "surgeon"),
            Enrollments(AllCut, "NULL"), Enrollments(FacilityCut, "facility"), Enrollments(SurgeonCut, "surgeon"));
    }

    /// <summary>Every <see cref="PainCount"/> of the enrollments the filter selects, in the roll-up's column order.</summary>
    private static string PainSql(SqlDialect dialect, bool byProcedure, bool bounded = true, bool boundedAbove = true)
    {
        var where = Where(byProcedure, bounded, boundedAbove);
        return $"""
            SELECT {dialect.UtcMonth("e.performed_at")} AS Month, e.procedure_type AS ProcedureType, s.timepoint AS Timepoint, e.baseline_vas AS BaselineVas,
                   s.vas AS Vas, COUNT(*) AS N
            FROM surveys s JOIN enrollments e ON e.id = s.enrollment_id
            WHERE s.vas IS NOT NULL AND s.timepoint <> 'baseline' AND {where}
            GROUP BY {dialect.UtcMonth("e.performed_at")}, e.procedure_type, s.timepoint, e.baseline_vas, s.vas
            UNION ALL
            SELECT {dialect.UtcMonth("e.performed_at")}, e.procedure_type, 'baseline', e.baseline_vas, e.baseline_vas, COUNT(*)
            FROM enrollments e
            WHERE e.baseline_vas IS NOT NULL AND {where}
            GROUP BY {dialect.UtcMonth("e.performed_at")}, e.procedure_type, e.baseline_vas
            """;
    }

    /// <summary>The whole months of a range and the part months at its ends, to be read directly (<see cref="UtcMonths.Split"/>).</summary>
    internal static (string? First, string? End, IReadOnlyList<(DateTimeOffset From, DateTimeOffset Until)> Parts) Split(DateRange range) =>
        UtcMonths.Split(range.From, range.Until);
}
