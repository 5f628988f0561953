using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Reporting;

/// <summary>
/// What each reliability test tried and what it found, written as <c>tests/.artifacts/reliability/{id}.json</c>,
/// and the README table rendered from every such file to <c>tests/.artifacts/reliability/README-table.md</c>.
/// An entry is written when its test ends: <see cref="LedgerEntry.Passed"/> only if the test got to the end.
/// </summary>
public static class Ledger
{
    public const string Faults = "Faults survived";
    public const string Inputs = "Bad input refused";
    public const string Access = "Access rules";
    public const string Load = "Load";

    private static readonly string[] CategoryOrder = [Faults, Inputs, Access, Load];
    private static readonly Lock Gate = new();

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Read by people and by the README renderer, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Directory => Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts", "reliability");

    /// <summary>The README's table: one row per fault, per input family, per access rule, per load.</summary>
    public static string TablePath => Path.Combine(Directory, "README-table.md");

    /// <summary>Every check on its own row, for whoever wants the detail behind a README row.</summary>
    public static string DetailedTablePath => Path.Combine(Directory, "README-table-detailed.md");

    /// <summary>
    /// Checks whose ids share a family (the part before the first '-': <c>inputs.intake-json</c>, <c>inputs.intake-nul-…</c>)
    /// make one README row under these titles.
    /// </summary>
    private static readonly Dictionary<string, string> FamilyTitles = new()
    {
        ["inputs.parser"] = "Reply parser (FsCheck): carrier and Spanish keywords, keywords in sentences, emoji around and inside replies, markup and SQL, long texts, arbitrary UTF-16",
        ["inputs.signature"] = "Twilio signature (FsCheck): independent implementation, any order, replays with altered values, other URL or token, extra parameters, garbage headers",
        ["inputs.schedule"] = "Schedule computation (FsCheck): local calendar days across DST, missed windows, baseline rule, reminders, MSTS variant, rescheduling",
        ["inputs.webhook"] = "Inbound SMS webhook: missing/forged/replayed signatures with altered bodies, random fields, 1 MB bodies, invalid UTF-8, NUL, wrong content types",
        ["inputs.status"] = "Status callback webhook: unsigned, forged, malformed, 1 MB",
        ["inputs.intake"] = "Intake: invalid JSON, absurd dates, offsets and time zones, huge strings, NUL characters, random mutations",
        ["inputs.api"] = "Other APIs: nonsense query strings, ids and bodies on every JSON endpoint",
        ["inputs.form"] = "Web form: missing or foreign antiforgery token, altered links, out-of-range, duplicated, huge and numerous fields",
    };

    /// <summary>Starts the entry of one test; dispose it at the end of the test (<c>using var entry = …</c>).</summary>
    public static LedgerEntry Open(string id, string category, string check) => new(id, category, check);

    internal static void Write(LedgerRecord record)
    {
        lock (Gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(Path.Combine(Directory, record.Id + ".json"), JsonSerializer.Serialize(record, Json));
            var all = ReadAll();
            File.WriteAllText(TablePath, RenderTable(all));
            File.WriteAllText(DetailedTablePath, RenderDetailedTable(all));
        }
    }

    public static IReadOnlyList<LedgerRecord> ReadAll() =>
        System.IO.Directory.Exists(Directory)
            ? [.. System.IO.Directory.GetFiles(Directory, "*.json")
                .Select(file => JsonSerializer.Deserialize<LedgerRecord>(File.ReadAllText(file), Json))
                .OfType<LedgerRecord>()]
            : [];

    /// <summary>The README's Reliability table: one row per fault, input family, access rule and load, with counts and result.</summary>
    public static string RenderTable(IEnumerable<LedgerRecord> records)
    {
        var rows = Ordered(records)
            .GroupBy(r => Family(r.Id))
            .Select(family =>
            {
                var members = family.ToList();
                var title = members.Count == 1 && !FamilyTitles.ContainsKey(family.Key) ? members[0].Check : FamilyTitles.GetValueOrDefault(family.Key, family.Key);
                var counts = members.SelectMany(m => m.Counts).GroupBy(c => c.Key).Select(c => KeyValuePair.Create(c.Key, c.Sum(x => x.Value)));
                var failed = members.Where(m => !m.Passed).ToList();
                var result = (failed.Count, members.Count) switch
                {
                    (0, 1) => "passed",
                    (0, var n) => $"passed ({n} checks)",
                    (_, 1) => "**FAILED**",
                    var (f, n) => $"**FAILED** {f} of {n}: {string.Join("; ", failed.Select(m => m.Check))}",
                };
                return (members[0].Category, Title: title, Tried: Tried(counts), Result: WithFindings(result, members.SelectMany(m => m.Findings)));
            });
        return Render(rows, records);
    }

    /// <summary>The same, one row per check.</summary>
    public static string RenderDetailedTable(IEnumerable<LedgerRecord> records) =>
        Render(Ordered(records).Select(r => (r.Category, Title: r.Check, Tried: Tried(r.Counts), Result: WithFindings(r.Passed ? "passed" : "**FAILED**", r.Findings))), records);

    private static IEnumerable<LedgerRecord> Ordered(IEnumerable<LedgerRecord> records) =>
        records
            .OrderBy(r => Array.IndexOf(CategoryOrder, r.Category) is var i and >= 0 ? i : CategoryOrder.Length)
            .ThenBy(r => r.Id, StringComparer.Ordinal);

    private static string Family(string id) => id.Split('-')[0];

    private static string Tried(IEnumerable<KeyValuePair<string, long>> counts) =>
        string.Join(", ", counts.Select(c => $"{c.Value:N0} {c.Key}"));

    private static string WithFindings(string result, IEnumerable<string> findings) =>
        string.Join("; ", findings.Prepend(result));

    private static string Render(IEnumerable<(string Category, string Title, string Tried, string Result)> rows, IEnumerable<LedgerRecord> records)
    {
        var all = records.ToList();
        var table = new StringBuilder()
            .AppendLine("| Area | Check | Tried | Result |")
            .AppendLine("|---|---|---|---|");
        foreach (var (category, title, tried, result) in rows)
            table.AppendLine($"| {Cell(category)} | {Cell(title)} | {Cell(tried)} | {Cell(result)} |");
        table.AppendLine()
            .Append($"Sizes: {string.Join(", ", all.Select(r => r.Size).Distinct())} ({all.Count} checks, {all.Count(r => r.Passed)} passed); ")
            .AppendLine($"recorded {all.Select(r => r.RecordedAt).DefaultIfEmpty().Min():yyyy-MM-dd HH:mm}–{all.Select(r => r.RecordedAt).DefaultIfEmpty().Max():HH:mm} UTC by tests/PainPro.Reliability.Tests.");
        return table.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}

/// <summary>One test's line in the ledger.</summary>
public sealed record LedgerRecord(
    string Id,
    string Category,
    string Check,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyList<string> Findings,
    bool Passed,
    string Size,
    DateTimeOffset RecordedAt);

/// <summary>Counts and findings gathered while a test runs; written when disposed.</summary>
public sealed class LedgerEntry(string id, string category, string check) : IDisposable
{
    private readonly Dictionary<string, long> counts = [];
    private readonly List<string> findings = [];
    private readonly Lock gate = new();
    private bool passed;

    /// <summary>Adds to a count, e.g. <c>Count("surveys", 500)</c>; counts keep the order they were first named in.</summary>
    public LedgerEntry Count(string what, long howMany = 1)
    {
        lock (gate) counts[what] = counts.GetValueOrDefault(what) + howMany;
        return this;
    }

    public long this[string what]
    {
        get { lock (gate) return counts.GetValueOrDefault(what); }
    }

    /// <summary>Something a reader of the table must know: a duplicate and why, a text lost in a crash and why.</summary>
    public LedgerEntry Finding(string text)
    {
        lock (gate) findings.Add(text);
        return this;
    }

    /// <summary>Call as the last line of the test: only then is the entry written as passed.</summary>
    public void Pass() => passed = true;

    public void Dispose()
    {
        lock (gate)
            Ledger.Write(new LedgerRecord(id, category, check, new Dictionary<string, long>(counts), [.. findings], passed,
                Sizes.Name, DateTimeOffset.UtcNow));
    }
}
