using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PainPro.Benchmarks.Harness;

/// <summary>One kind of SQL statement: how often it ran and the time it took, in all and per unit of work.</summary>
public sealed record SqlCost(string Statement, int Count, double CountPerUnit, double TotalMs, double MsPerUnit);

/// <summary>
/// Where the time of in-process database work goes, statement by statement, from the <c>Npgsql</c> activity source
/// (every command is an activity with its text and duration; opening a physical connection is one too). Statements
/// are grouped by verb and table.
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
            .Select(c => new SqlCost(c.Key, c.Value.Count, c.Value.Count / (double)Math.Max(1, units), c.Value.Ms, c.Value.Ms / Math.Max(1, units)))
            .OrderByDescending(c => c.TotalMs)
            .ToList();
    }

    /// <summary>"INSERT outbox ×200 31 ms, UPDATE surveys ×200 29 ms, …" per unit, the costliest few.</summary>
    public static string Describe(IEnumerable<SqlCost> costs, int top = 4) => string.Join(", ", costs.Take(top).Select(c =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Statement} ×{c.CountPerUnit:0.#} {c.MsPerUnit:F1} ms")));

    private void Record(Activity activity)
    {
        var key = activity.GetTagItem("db.query.text") is string sql ? Key(sql) : activity.OperationName;
        costs.AddOrUpdate(key, (1, activity.Duration.TotalMilliseconds),
            (_, c) => (c.Count + 1, c.Ms + activity.Duration.TotalMilliseconds));
    }

    /// <summary>The verb and the table it works on: <c>UPDATE surveys</c>, <c>SELECT deliveries</c>, <c>WITH claimed</c>.</summary>
    private static string Key(string sql)
    {
        var text = Whitespace().Replace(sql, " ").Trim();
        var verb = text.Split(' ', 2)[0].ToUpperInvariant();
        var target = verb switch
        {
            "INSERT" => Into().Match(text),
            "UPDATE" => Update().Match(text),
            "DELETE" or "SELECT" => From().Match(text),
            "WITH" => With().Match(text),
            _ => Match.Empty,
        };
        return target.Success ? $"{verb} {target.Groups[1].Value}" : verb;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^INSERT INTO ([\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Into();

    [GeneratedRegex(@"^UPDATE ([\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Update();

    [GeneratedRegex(@"\bFROM ([\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex From();

    [GeneratedRegex(@"^WITH ([\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex With();

    public void Dispose() => listener.Dispose();
}
