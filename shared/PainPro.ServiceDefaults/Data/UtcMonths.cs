using System.Globalization;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// UTC calendar months (<c>yyyy-MM</c>), the unit of the dashboard's monthly roll-ups (Ingestion's outcomes, Scheduling's
/// funnel and enrollment counts): which whole months of a range a roll-up answers, and which part months at its ends
/// are read directly.
/// </summary>
public static class UtcMonths
{
    /// <summary>
    /// The whole months of [<paramref name="from"/>, <paramref name="until"/>) — from <c>First</c> (inclusive) to
    /// <c>End</c> (exclusive), either open when its bound is — and the part months at its ends. A range within one month
    /// is all part (<c>First</c> and <c>End</c> both empty).
    /// </summary>
    public static (string? First, string? End, IReadOnlyList<(DateTimeOffset From, DateTimeOffset Until)> Parts) Split(
        DateTimeOffset? from, DateTimeOffset? until)
    {
        var parts = new List<(DateTimeOffset, DateTimeOffset)>();
        var (start, end) = (from?.ToUniversalTime(), until?.ToUniversalTime());
        if (start is { } s && !IsMonthStart(s))
        {
            var next = StartOf(s).AddMonths(1);
            if (end is { } u && u <= next)
                return (First: "", End: "", Parts: u > s ? [(s, u)] : []);
            parts.Add((s, next));
            start = next;
        }
        if (end is { } e && !IsMonthStart(e))
        {
            var monthStart = StartOf(e);
            if (start is null || monthStart >= start) parts.Add((monthStart, e));
            end = monthStart;
        }
        return (start is null ? null : Name(start.Value), end is null ? null : Name(end.Value), parts);
    }

    /// <summary>Whether the split left any whole month to read from the roll-up.</summary>
    public static bool HasWholeMonths(string? first, string? end) => first is null || end is null || string.CompareOrdinal(first, end) < 0;

    /// <summary>The instant <c>yyyy-MM</c> begins (UTC).</summary>
    public static DateTimeOffset Start(string month) =>
        DateTimeOffset.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The month as an integer key (<c>yyyyMM</c>), the second key of a month's PostgreSQL advisory lock.</summary>
    public static int Key(string month) => int.Parse(month.Replace("-", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    /// <summary>
    /// Takes a month's lock exclusively for a roll-up's recompute, in the session's transaction: writers mark a month stale
    /// holding it shared (their triggers), so the recompute waits for writers in flight and no write is lost with the mark
    /// it clears. PostgreSQL: the advisory lock (<paramref name="lockClass"/>, yyyyMM); SQL Server: the application lock
    /// <c>&lt;schema&gt;.<paramref name="lockName"/>.yyyy-MM</c>; SQLite has one writer and needs none.
    /// </summary>
    public static async Task LockForRecomputeAsync(DbSession session, int lockClass, string lockName, string month)
    {
        if (session.Dialect == SqlDialect.Postgres)
            await session.ExecuteAsync("SELECT pg_advisory_xact_lock(@lockClass, @key)", new { lockClass, key = Key(month) });
        else if (session.Dialect.IsSqlServer)
            await session.ExecuteAsync("""
                DECLARE @resource nvarchar(255) = SCHEMA_NAME() + N'.' + @lockName + N'.' + @month, @result int;
                EXEC @result = sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = -1;
                IF @result < 0 THROW 50000, 'sp_getapplock failed for a roll-up month', 1;
                """, new { lockName, month });
    }

    private static DateTimeOffset StartOf(DateTimeOffset at) => new(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static bool IsMonthStart(DateTimeOffset at) => at == StartOf(at);

    private static string Name(DateTimeOffset at) => at.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
