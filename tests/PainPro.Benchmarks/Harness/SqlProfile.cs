using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PainPro.Benchmarks.Harness;

/// <summary>One kind of SQL statement: how often it ran and the time it took, in all and per unit of work.</summary>
public sealed record SqlCost(string Statement, int Count, double TotalMs, double MsPerUnit);

/// <summary>
/// Where the time of in-process database work goes, statement by statement, from the <c>Npgsql</c> activity source
/// (every command is an activity with its text and duration). Statements are grouped by their first words.
/// </summary>
public sealed partial class SqlProfile : IDisposable
{
    private readonly ActivityListener listener;
    private readonly ConcurrentDictionary<string, (int Count, double Ms)> costs = new();

    private SqlProfile()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public static SqlProfile Start() => new();

    /// <summary>The statements, costliest first, with their time per <paramref name="units"/> (e.g. per claim batch).</summary>
    public IReadOnlyList<SqlCost> Stop(int units)
    {
        listener.Dispose();
        return costs
            .Select(c => new SqlCost(c.Key, c.Value.Count, c.Value.Ms, c.Value.Ms / Math.Max(1, units)))
            .OrderByDescending(c => c.TotalMs)
            .ToList();
    }

    /// <summary>"INSERT INTO outbox ×200 3.1 ms, UPDATE surveys ×200 2.9 ms, …" per unit, the top few.</summary>
    public static string Describe(IEnumerable<SqlCost> costs, int top = 4) => string.Join(", ", costs.Take(top).Select(c =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Statement} {c.MsPerUnit:F1} ms")));

    private void Record(Activity activity)
    {
        var text = activity.GetTagItem("db.query.text") as string ?? activity.DisplayName;
        var key = Key(text);
        costs.AddOrUpdate(key, (1, activity.Duration.TotalMilliseconds),
            (_, c) => (c.Count + 1, c.Ms + activity.Duration.TotalMilliseconds));
    }

    /// <summary>"WITH claimed AS (SELECT …" → "WITH claimed"; "INSERT INTO outbox (…" → "INSERT INTO outbox".</summary>
    private static string Key(string sql)
    {
        var words = Words().Matches(sql).Select(m => m.Value).Take(3).ToArray();
        return words.Length == 0 ? "?" : string.Join(' ', words);
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z_0-9.]*")]
    private static partial Regex Words();

    public void Dispose() => listener.Dispose();
}
