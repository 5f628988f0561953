using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace PainPro.SqlServer.Tests;

/// <summary>One statement (or migration batch) as SQL Server would receive it, and where it is written.</summary>
public sealed record TSqlStatement(string File, int Line, string Sql, bool SqlServerOnly)
{
    /// <summary>The texts SQL Server may receive (see <see cref="TSqlStatements.Renderings"/>); the statement's own text by default.</summary>
    public IReadOnlyList<string> Renderings { get; init; } = [Sql];

    /// <summary>Stable across edits elsewhere in the file: the file and a hash of the statement's words.</summary>
    public string Key => $"{File}#{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Regex.Replace(Sql, @"\s+", " ").Trim())))[..10]}";

    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A parse error, at the line and column of the file the statement is written in.</summary>
public sealed record TSqlError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>
/// Finds the statements PainPro can send to SQL Server — the batches of every <c>Migrations/sqlserver/*.sql</c>, the
/// SQL string literals in the services' code — and parses them with ScriptDom's newest T-SQL parser.
/// </summary>
public static partial class TSqlStatements
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PainPro.sln"))) return dir.FullName;
        throw new InvalidOperationException("PainPro.sln not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<string> MigrationFiles() =>
        new[] { "shared", "services" }.SelectMany(top => Directory.EnumerateFiles(Path.Combine(RepositoryRoot, top), "*.sql", SearchOption.AllDirectories))
            .Where(f => f.Replace('\\', '/').Contains("/Migrations/sqlserver/"))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> CodeFiles() =>
        new[] { "shared", "services" }.SelectMany(top => Directory.EnumerateFiles(Path.Combine(RepositoryRoot, top), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Replace('\\', '/').Contains("/obj/") && !f.Replace('\\', '/').Contains("/bin/"))
            .Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/');

    /// <summary>A migration's batches (split at lines holding only GO), each with the line it starts on.</summary>
    public static IEnumerable<TSqlStatement> Batches(string path, string? text = null)
    {
        var lines = (text ?? File.ReadAllText(path)).Split('\n');
        var batch = new StringBuilder();
        var start = 1;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i == lines.Length || GoLine().IsMatch(lines[i]))
            {
                if (batch.ToString().Trim().Length > 0) yield return new TSqlStatement(Relative(path), start, batch.ToString(), SqlServerOnly: true);
                batch.Clear();
                start = i + 2;
                continue;
            }
            batch.Append(lines[i].TrimEnd('\r')).Append('\n');
        }
    }

    [GeneratedRegex(@"^\s*GO\s*(--.*)?\r?$", RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    /// <summary>
    /// The SQL string literals of a C# file: regular, verbatim and raw (interpolated or not) literals whose text starts
    /// with a statement keyword. A literal right after <c>IsSqlServer ?</c> is SQL Server's own branch; the literal of
    /// the other branch (after its <c>:</c>) is not sent to SQL Server and is left out.
    /// </summary>
    public static IEnumerable<TSqlStatement> InCode(string path, string? text = null)
    {
        // Full-line comments blanked (lines kept): a quote in a comment is not a literal.
        var source = FullLineComments().Replace(text ?? File.ReadAllText(path), c => new string(' ', c.Length - 1) + "\n");
        var skipNextAlternative = false;
        foreach (Match m in Literal().Matches(source))
        {
            var body = m.Groups["raw"].Success ? m.Groups["raw"].Value : m.Groups["verbatim"].Success ? m.Groups["verbatim"].Value.Replace("\"\"", "\"")
                : m.Groups["interpolated"].Success ? m.Groups["interpolated"].Value : m.Groups["regular"].Value;
            // A comment between "IsSqlServer" and "?" (or ":" and the literal) says why; it does not change the branch.
            var before = Regex.Replace(source[Math.Max(0, m.Index - 600)..m.Index], @"\s+", " ").TrimEnd();
            var sqlServerBranch = before.EndsWith("IsSqlServer ?", StringComparison.Ordinal) || before.EndsWith("IsSqlServer?", StringComparison.Ordinal);
            var alternative = before.EndsWith(':');
            if (!StatementStart().IsMatch(body)) { skipNextAlternative = false; continue; }
            // PostgreSQL's and SQLite's own statements (MigrationRunner.PostgresStatements…), and the dialects' fragments
            // (SqlDialect.Rows: parsed as they come out, in TSqlParseTests).
            if (Type().Matches(source[..m.Index]).LastOrDefault()?.Groups["name"].Value is { } type
                && (type.StartsWith("Postgres", StringComparison.Ordinal) || type.StartsWith("Sqlite", StringComparison.Ordinal)
                    || type.EndsWith("Dialect", StringComparison.Ordinal))) continue;
            if (alternative && skipNextAlternative) { skipNextAlternative = false; continue; }
            skipNextAlternative = sqlServerBranch;
            var line = source.AsSpan(0, m.Index).Count('\n') + 1;
            var interpolated = m.Groups["dollar"].Value.Length;
            var renderings = Renderings(body, interpolated);
            yield return new TSqlStatement(Relative(path), line, body, sqlServerBranch) { Renderings = renderings };
        }
    }

    // An interpolated regular literal's holes may hold quotes of their own: {db.Dialect.Limit("@limit")}.
    [GeneratedRegex("(?<dollar>\\$*)(?:\"\"\"(?<raw>[\\s\\S]*?)\"\"\"|@\"(?<verbatim>(?:[^\"]|\"\")*)\"|(?<=\\$)\"(?<interpolated>(?:\\{\\{|\\}\\}|\\{[^{}\\n]*\\}|[^\"\\\\\\n{}]|\\\\.)*)\"|\"(?<regular>(?:[^\"\\\\\\n]|\\\\.)*)\")")]
    private static partial Regex Literal();

    [GeneratedRegex(@"^[ \t]*//[^\n]*\n", RegexOptions.Multiline)]
    private static partial Regex FullLineComments();

    // "WITH {table}": a CTE-led statement whose first table is rows from .NET (SqlDialect.Rows).
    [GeneratedRegex(@"^\s*(?:(SELECT|INSERT|UPDATE|DELETE|WITH\s+\w+|MERGE|CREATE|ALTER|DROP|IF\s|DECLARE|EXEC|SET\s+\w+\s+=|TRUNCATE)\b|WITH\s+\{+\w+\}+)")]
    private static partial Regex StatementStart();

    /// <summary>
    /// The texts SQL Server may receive: interpolation holes rendered as the SQL Server dialect renders them (a
    /// <c>Dialect</c> member, a constant of the code), and Dapper's list parameters (<c>IN @ids</c>) expanded as Dapper
    /// expands them. A hole the scan cannot know (a local fragment: a WHERE clause, a column list) is rendered as a value,
    /// as nothing and as a name, hole by hole; the statement parses when one of those renderings does.
    /// </summary>
    public static IReadOnlyList<string> Renderings(string body, int dollars)
    {
        if (dollars == 0) return [ExpandLists(body)];
        var open = new string('{', dollars);
        var close = new string('}', dollars);
        var hole = new Regex(Regex.Escape(open) + @"(?<expr>[^{}]+?)" + Regex.Escape(close));
        var known = new List<string?>();
        foreach (Match h in hole.Matches(body)) known.Add(Hole(h.Groups["expr"].Value, body[..h.Index]));
        var unknown = known.Count(k => k is null);
        var variants = unknown > 4 ? 1 : (int)Math.Pow(Unknowns.Length, unknown);
        var renderings = new List<string>(variants);
        for (var v = 0; v < variants; v++)
        {
            int i = 0, digits = v;
            renderings.Add(ExpandLists(hole.Replace(body, _ =>
            {
                if (known[i++] is { } text) return text;
                var choice = Unknowns[digits % Unknowns.Length];
                digits /= Unknowns.Length;
                return choice;
            })));
        }
        return renderings;
    }

    // What a hole the scan cannot know may be: a value, nothing, a name, a condition.
    private static readonly string[] Unknowns = ["1", "", "c", "1 = 1"];

    private static string ExpandLists(string sql) => Regex.Replace(sql, @"\bIN\s+@(\w+)", "IN (@$1_1, @$1_2)", RegexOptions.IgnoreCase);

    private static readonly PainPro.ServiceDefaults.Data.SqlDialect SqlServer = PainPro.ServiceDefaults.Data.SqlDialect.SqlServer;

    private static string? Hole(string expr, string before) => expr switch
    {
        // A table of rows from .NET, as SqlDialect.Rows writes it after WITH: the name and columns do not matter to the parser.
        _ when Regex.IsMatch(before, @"\bWITH\s*$|,\s*$") && Regex.IsMatch(expr, @"^\w*[tT]able\w*$") => "v (c) AS (SELECT 1 AS c)",
        // Rows for a multi-row INSERT … VALUES, as SqlDialect.Values writes them.
        _ when Regex.IsMatch(before, @"\bVALUES\s*$", RegexOptions.IgnoreCase) => "(@p0_0, @p0_1), (@p1_0, @p1_1)",
        _ when expr.Contains("InGuids(") => "id IN ('00000000-0000-0000-0000-000000000001')",
        _ when expr.Contains("Literals(") => "('a', 'b')",
        _ when DialectMember().Match(expr) is { Success: true } m => Invoke(m.Groups["member"].Value, m.Groups["args"]),
        _ when Constants.Value.TryGetValue(expr.Trim(), out var constant) => Renderings(constant.Text, constant.Dollars)[0],
        _ => null,
    };

    // {session.Dialect.Limit("@limit")}, {db.Dialect.ClaimHint}, {dialect.Returning("id")}: asked of the SQL Server dialect.
    [GeneratedRegex(@"^\s*(?:\w+\.)*[dD]ialect\.(?<member>\w+)(?:\((?<args>[^()]*)\))?\s*$")]
    private static partial Regex DialectMember();

    private static string? Invoke(string member, Group args)
    {
        var type = typeof(PainPro.ServiceDefaults.Data.SqlDialect);
        if (!args.Success) return type.GetProperty(member)?.GetValue(SqlServer)?.ToString();
        // String literals are passed as they are, constants as their text; anything else (a column expression in a C#
        // variable) as its name.
        var values = Regex.Matches(args.Value, @"""(?:[^""\\]|\\.)*""|[^,\s][^,]*").Select(a => a.Value.Trim())
            .Select(a => (object?)(a.StartsWith('"') ? a.Trim('"') : Constants.Value.TryGetValue(a, out var c) ? c.Text : a)).ToArray();
        // The overload taking these strings; parameters left out take their defaults.
        var method = type.GetMethods().FirstOrDefault(m => m.Name == member
            && m.GetParameters().Length >= values.Length && m.GetParameters().Count(p => !p.HasDefaultValue) <= values.Length
            && m.GetParameters().All(p => p.ParameterType == typeof(string)));
        if (method is not null && values.Length < method.GetParameters().Length)
            values = [.. values, .. method.GetParameters().Skip(values.Length).Select(p => p.DefaultValue)];
        return method?.Invoke(method.IsStatic ? null : SqlServer, values)?.ToString();
    }

    /// <summary><c>const string</c> fields of the services' code, by <c>Name</c> and <c>Type.Name</c>: holes often name them.</summary>
    private static readonly Lazy<Dictionary<string, (string Text, int Dollars)>> Constants = new(() =>
    {
        var constants = new Dictionary<string, (string Text, int Dollars)>();
        foreach (var file in CodeFiles())
        {
            var source = File.ReadAllText(file);
            foreach (Match c in Constant().Matches(source))
            {
                var type = Type().Matches(source[..c.Index]).LastOrDefault()?.Groups["name"].Value;
                // One literal, or several joined by '+'.
                var text = new StringBuilder();
                var dollars = 0;
                for (var at = c.Index + c.Length; ;)
                {
                    var literal = Literal().Match(source, at);
                    if (!literal.Success || literal.Index != at) break;
                    text.Append(literal.Groups["raw"].Success ? literal.Groups["raw"].Value : literal.Groups["verbatim"].Success
                        ? literal.Groups["verbatim"].Value.Replace("\"\"", "\"") : literal.Groups["regular"].Value);
                    dollars = Math.Max(dollars, literal.Groups["dollar"].Value.Length);
                    var next = Regex.Match(source[(literal.Index + literal.Length)..], @"^\s*\+\s*");
                    if (!next.Success) break;
                    at = literal.Index + literal.Length + next.Length;
                }
                if (text.Length == 0) continue;
                var value = (text.ToString(), dollars);
                constants.TryAdd(c.Groups["name"].Value, value);
                if (type is not null) constants.TryAdd($"{type}.{c.Groups["name"].Value}", value);
            }
        }
        return constants;
    });

    [GeneratedRegex(@"\b(?:class|record|struct)\s+(?<name>\w+)")]
    private static partial Regex Type();

    [GeneratedRegex(@"\bconst\s+string\s+(?<name>\w+)\s*=\s*")]
    private static partial Regex Constant();

    /// <summary>The errors of the statement's first rendering, or none when any of its renderings parses.</summary>
    public static IReadOnlyList<TSqlError> Parse(TSqlStatement statement)
    {
        IReadOnlyList<TSqlError>? first = null;
        foreach (var sql in statement.Renderings)
        {
            var parser = new TSql180Parser(initialQuotedIdentifiers: true);
            parser.Parse(new StringReader(sql), out var errors);
            if (errors.Count == 0) return [];
            first ??= errors.Select(e => new TSqlError(statement.File, statement.Line + e.Line - 1, e.Column, e.Message)).ToList();
        }
        return first ?? [];
    }
}
